import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { GatheredIds } from '../core/cache/id-gather.ts';
import { defaultDefinition } from '../core/definition.ts';
import { Dictionary } from '../core/model/dictionary.ts';
import { NULL_KEY } from '../core/model/event-batch.ts';
import { InsertIdColumn } from '../core/model/insert-id-column.ts';
import { BatchBuilder } from '../core/sources/batch-builder.ts';
import { BatchSpill } from '../core/sources/batch-spill.ts';
import { readCsvFile } from '../core/sources/csv-parallel.ts';
import { readCsv } from '../core/sources/csv-source.ts';
import { ZoneCalendar } from '../core/time/zone-calendar.ts';

const dir = mkdtempSync(join(tmpdir(), 'se-csv-parallel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a read produced, with keys resolved to strings so two reads can be compared. */
async function read(path: string, parallel: boolean) {
  const users = new Dictionary();
  const strings = new Dictionary();
  const builder = new BatchBuilder(defaultDefinition(), new ZoneCalendar('Europe/Berlin'), users, strings, null);
  if (parallel) await readCsvFile(path, builder, undefined, 1);
  else await readCsv(path, builder);
  const b = builder.batch;
  const rows: string[] = [];
  for (let i = 0; i < b.length; i++) {
    const attrs = b.attrs.map((c) => (c.array[i] === NULL_KEY ? null : strings.valueOf(c.array[i])));
    rows.push(JSON.stringify([users.valueOf(b.user.array[i]), b.time.array[i], b.day.array[i], strings.valueOf(b.name.array[i]), b.insertId.get(i), attrs, b.props[i]]));
  }
  return { rows, counts: builder.counts, rejections: builder.rejections };
}

test('a CSV read on two threads gives exactly what one stream gives, line numbers included', async () => {
  const header = ['user_id', 'time', 'insert_id', 'event', 'country', 'device', 'os', 'note'];
  const lines: string[] = [stringify([header]).trimEnd()];
  for (let i = 0; i < 6000; i++) {
    const tricky = i % 7 === 0;
    const row = [
      i % 13 === 0 ? `user "${i % 50}", josé` : `u${i % 50}`,
      new Date(Date.UTC(2025, 2, 1) + i * 61_000).toISOString(),
      `id-${i}`,
      tricky ? 'multi\nline, "quoted" event' : 'page_view',
      i % 11 === 0 ? '' : 'DE',
      'iPhone',
      'iOS',
      tricky ? 'a note\r\nacross lines' : '',
    ];
    lines.push(stringify([row]).trimEnd());
    if (i % 997 === 0) lines.push(`u1,not a time,bad-${i},x,DE,iPhone,iOS,`);
    if (i % 1499 === 0) lines.push('too,few');
  }
  const path = join(dir, 'tricky.csv');
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);

  const single = await read(path, false);
  const parallel = await read(path, true);
  assert.ok(single.rows.length > 5000);
  assert.ok(single.rejections.length > 5, 'the file has bad rows');
  assert.deepEqual(parallel.counts, single.counts);
  assert.deepEqual(parallel.rows, single.rows);
  assert.deepEqual(
    parallel.rejections.map((r) => [r.line, r.reason]),
    single.rejections.map((r) => [r.line, r.reason]),
  );
});

test('a file whose middle lies inside one quoted field is read in one stream, correctly', async () => {
  const big = `"${'x\n'.repeat(5000)}"`;
  const path = join(dir, 'one-field.csv');
  writeFileSync(path, `user_id,time,event,note\nu1,2025-03-01T00:00:00Z,open,${big}\nu1,2025-03-01T00:01:00Z,close,\n`);
  const single = await read(path, false);
  const parallel = await read(path, true);
  assert.equal(single.rows.length, 2);
  assert.deepEqual(parallel.rows, single.rows);
});

test('insert ids laid out in session order on a second thread equal those laid out on this one', () => {
  const column = new InsertIdColumn();
  for (let i = 0; i < 20_000; i++) column.push(i % 17 === 0 ? `h:${'é'.repeat(i % 5)}${i}` : `id-${(i * 7919) % 100_003}`);
  // Some rows dropped (as duplicates are), the rest in a scrambled order.
  const order = Uint32Array.from({ length: 15_000 }, (_, p) => (p * 7_841) % 20_000);
  const here = new GatheredIds(column, order, Infinity);
  const thread = new GatheredIds(column, order, 1);
  thread.ready(order.length);
  assert.deepEqual(Array.from(thread.start), Array.from(here.start));
  const end = here.start[order.length];
  assert.ok(Buffer.from(thread.bytes.subarray(0, end)).equals(here.bytes.subarray(0, end)));
  assert.equal(here.bytes.toString('utf8', here.start[3], here.start[4]), column.get(order[3]));
});

test('a CSV with more rows than the memory budget allows is read in one stream, spilling as it goes', async () => {
  const lines = ['user_id,time,event'];
  for (let i = 0; i < 30_000; i++) lines.push(`u${i % 400},${new Date(Date.UTC(2025, 2, 1) + i * 9_000).toISOString()},open`);
  const path = join(dir, 'over-budget.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const read = async (budgetEvents: number) => {
    const builder = new BatchBuilder(defaultDefinition(), new ZoneCalendar('UTC'), new Dictionary(), new Dictionary(), null);
    const spill = new BatchSpill(dir, budgetEvents, defaultDefinition().attributes.length);
    builder.spill = spill;
    try {
      await readCsvFile(path, builder, undefined, 1);
      return { held: builder.batch.length, spilled: spill.spilledRows };
    } finally {
      spill.dispose();
    }
  };
  // Within the budget: two threads, nothing spilled.
  assert.deepEqual(await read(1_000_000), { held: 30_000, spilled: 0 });
  // Over it: no second thread holding half the file; at most a checkpoint's worth of rows
  // (4096) beyond the budget is ever held.
  const over = await read(2_000);
  assert.equal(over.held + over.spilled, 30_000);
  assert.ok(over.held < 2_000 + 4096, `held ${over.held} rows`);
});
