// Comparing the models' rows with the core's CSV rows: every column of every row, exactly,
// except the text of insert ids derived from content (SPEC lets each side hash its own way).
import assert from 'node:assert/strict';
import { compareCodePoints } from '../../../core/util/codepoint.ts';
import { EVENT_CSV_COLUMNS, SESSION_CSV_COLUMNS } from './duckdb-warehouse.ts';

type Row = Record<string, string>;

const DERIVED_INSERT_ID = /^h:[0-9a-f]{24}$/;

function project(rows: Row[], columns: string[]): string[][] {
  return rows.map((row) => columns.map((c) => {
    assert.ok(c in row, `no column ${c}`);
    return c === 'insert_id' && DERIVED_INSERT_ID.test(row[c]) ? 'h:<derived>' : row[c];
  }));
}

function compareRows(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareCodePoints(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Asserts equal multisets of rows, reporting the first difference rather than two huge arrays. */
function assertSameRows(actual: string[][], expected: string[][], columns: string[], what: string): void {
  const a = [...actual].sort(compareRows);
  const e = [...expected].sort(compareRows);
  for (let i = 0; i < Math.min(a.length, e.length); i++) {
    if (compareRows(a[i], e[i]) !== 0) {
      const show = (row: string[]) => JSON.stringify(Object.fromEntries(columns.map((c, k) => [c, row[k]])));
      assert.fail(`${what}: first difference at sorted row ${i}\n  dbt:  ${show(a[i])}\n  core: ${show(e[i])}`);
    }
  }
  assert.equal(a.length, e.length, `${what}: ${a.length} rows from dbt, ${e.length} from the core`);
}

export function assertSameSessions(dbt: Row[], core: Row[], attributes: string[]): void {
  const columns = [...SESSION_CSV_COLUMNS, ...attributes];
  assert.ok(core.length > 0, 'the core produced sessions');
  assertSameRows(project(dbt, columns), project(core, columns), columns, 'sessions');
}

export function assertSameEvents(dbt: Row[], core: Row[], attributes: string[]): void {
  const columns = [...EVENT_CSV_COLUMNS, ...attributes];
  assert.ok(core.length > 0, 'the core produced events');
  assertSameRows(project(dbt, columns), project(core, columns), columns, 'events');
}
