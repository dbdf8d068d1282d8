import { scalarText } from './batch-builder.ts';

/** Properties that are columns of the event itself, not among its remaining properties. */
const CORE_PROPERTIES = new Set(['time', 'distinct_id', '$insert_id']);

/**
 * Reads a Mixpanel event's properties the same way for every source (export files, the
 * BigQuery pipeline table): each attribute is the first non-null of its source properties
 * (written into `attrValues`), and the returned JSON holds every property but the core ones.
 */
export function readMixpanelProperties(
  properties: Record<string, unknown>,
  sources: ReadonlyArray<ReadonlyArray<string>>,
  attrValues: Array<string | null>,
): string | null {
  for (let a = 0; a < sources.length; a++) {
    let value: string | null = null;
    for (const source of sources[a]) {
      value = scalarText(properties[source]);
      if (value !== null) break;
    }
    attrValues[a] = value;
  }
  const rest: Record<string, unknown> = {};
  let hasRest = false;
  for (const key in properties) {
    if (CORE_PROPERTIES.has(key)) continue;
    rest[key] = properties[key];
    hasRest = true;
  }
  return hasRest ? JSON.stringify(rest) : null;
}
