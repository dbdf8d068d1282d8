import { createInterface } from 'node:readline';
import { mixpanelSources } from '../definition.ts';
import { ImportCancelled, type BatchBuilder } from './batch-builder.ts';
import { readMixpanelProperties } from './mixpanel-properties.ts';
import { UserError } from '../util/user-error.ts';
import { describeStreamError, openTextStream, type ByteProgress } from './input-stream.ts';

/**
 * Streams a Mixpanel export: one `{"event": NAME, "properties": {"time", "distinct_id",
 * "$insert_id", ...}}` per line (optionally gzipped). Blank lines are skipped.
 */
export async function readNdjson(path: string, builder: BatchBuilder, onProgress?: ByteProgress): Promise<void> {
  const input = await openTextStream(path, onProgress);
  let failure: unknown = null;
  input.on('error', (error) => {
    failure ??= describeStreamError(path, error);
  });
  const sources = builder.definition.attributes.map(mixpanelSources);
  const attrValues: Array<string | null> = new Array(sources.length).fill(null);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      if ((lineNumber & 1023) === 0) builder.checkpoint();
      const text = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (text.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        builder.reject(path, lineNumber, `malformed JSON (${(error as Error).message})`, text);
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        builder.reject(path, lineNumber, 'not a JSON object', text);
        continue;
      }
      const record = parsed as Record<string, unknown>;
      const nested = record.properties;
      let properties: Record<string, unknown>;
      if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) {
        properties = nested as Record<string, unknown>;
      } else if (nested === undefined) {
        // A flat object: every key but `event` is a property.
        properties = { ...record };
        delete properties.event;
      } else {
        builder.reject(path, lineNumber, '"properties" is not an object', text);
        continue;
      }
      const user = properties.distinct_id ?? properties.user_id;
      const time = properties.time;
      const insertId = properties.$insert_id ?? properties.insert_id;
      const rest = readMixpanelProperties(properties, sources, attrValues);
      builder.accept(path, lineNumber, user, time, insertId, record.event, attrValues, rest, () => text);
    }
  } catch (error) {
    // A cancel, or the import's own trouble (its spill files), is not the input file's fault.
    if (error instanceof ImportCancelled || error instanceof UserError) throw error;
    throw failure ?? describeStreamError(path, error);
  }
  if (failure) throw failure;
}
