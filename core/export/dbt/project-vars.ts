import { validateDefinition, type SessionDefinition } from '../../definition.ts';
import { attributeOrigins, validateMapping, type ColumnMapping } from '../../bigquery/column-mapping.ts';
import { UserError } from '../../util/user-error.ts';

/** An attribute as the models read it: properties of the JSON column, or one column. */
export type DbtAttribute = { name: string; properties: string[] } | { name: string; column: string };

/** Where the parts of an event are in the source relation; `properties` is null for flat tables. */
export interface DbtSourceColumns {
  user: string;
  time: string;
  event: string;
  insert_id: string | null;
  properties: string | null;
}

/**
 * The dbt vars the models read (dbt_project.yml), carrying the cache's definition. Names are
 * prefixed so the models can be copied into an existing project without clashing.
 */
export interface DbtVars {
  session_explorer_threshold_ms: number;
  session_explorer_time_zone: string;
  session_explorer_lookback_days: number;
  session_explorer_excluded_events: string[];
  session_explorer_attributes: DbtAttribute[];
  session_explorer_source_columns: DbtSourceColumns;
}

/** A lookback longer than this is a typing mistake rather than a plan (a backfill has its own var). */
export const MAX_LOOKBACK_DAYS = 3660;

/** Validates the definition, the mapping and the lookback; returns the vars of the dbt project. */
export function dbtVars(definition: SessionDefinition, mapping: ColumnMapping, lookbackDays: number): DbtVars {
  const checked = validateDefinition(definition);
  validateMapping(mapping);
  if (!Number.isSafeInteger(lookbackDays) || lookbackDays < 0 || lookbackDays > MAX_LOOKBACK_DAYS) {
    throw new UserError(`the lookback must be a whole number of days from 0 to ${MAX_LOOKBACK_DAYS}, got ${lookbackDays}`);
  }
  const attributes = attributeOrigins(mapping, checked).map((origin, i): DbtAttribute => {
    const name = checked.attributes[i].name;
    return origin.kind === 'json' ? { name, properties: origin.properties } : { name, column: origin.column };
  });
  const vars: DbtVars = {
    session_explorer_threshold_ms: checked.thresholdMs,
    session_explorer_time_zone: checked.timeZone,
    session_explorer_lookback_days: lookbackDays,
    session_explorer_excluded_events: checked.excludedEvents,
    session_explorer_attributes: attributes,
    session_explorer_source_columns: {
      user: mapping.user,
      time: mapping.time,
      event: mapping.event,
      insert_id: mapping.insertId,
      properties: mapping.layout === 'mixpanel' ? mapping.properties : null,
    },
  };
  for (const text of [...checked.excludedEvents, ...attributes.flatMap((a) => ('properties' in a ? a.properties : []))]) {
    checkNotJinja(text);
  }
  return vars;
}

/**
 * dbt renders the YAML it reads as Jinja (var values may be rendered at run time), so a name
 * holding `{{`, `{%` or `{#` could be executed rather than read: refused rather than risked.
 */
function checkNotJinja(text: string): void {
  if (/\{[{%#]/.test(text)) {
    throw new UserError(`'${text}' cannot be written to a dbt project: dbt would read '{{', '{%' or '{#' in it as Jinja`);
  }
}
