import { csvSource } from '../definition.ts';
import type { BatchBuilder } from './batch-builder.ts';
import { generateDemoEvents, type DemoEvent, type DemoOptions } from './demo-generator.ts';

const DEMO_FIELDS: ReadonlyArray<keyof DemoEvent> = ['country', 'device', 'os'];

/** Feeds generated demo events to a builder, as if read from a file called `demo`. */
export function readDemo(options: DemoOptions, builder: BatchBuilder): void {
  const fields = builder.definition.attributes.map((a) => {
    const source = csvSource(a);
    return (DEMO_FIELDS as readonly string[]).includes(source) ? (source as keyof DemoEvent) : null;
  });
  const values: Array<string | null> = new Array(fields.length).fill(null);
  let line = 0;
  generateDemoEvents(options, (event) => {
    line++;
    for (let a = 0; a < fields.length; a++) {
      const field = fields[a];
      values[a] = field === null ? null : (event[field] as string | null);
    }
    builder.accept('demo', line, event.userId, event.time, event.insertId, event.event, values, null, () => JSON.stringify(event));
  });
}
