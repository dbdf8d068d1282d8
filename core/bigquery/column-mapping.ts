import { mixpanelSources, type AttributeSpec, type SessionDefinition } from '../definition.ts';
import { UserError } from '../util/user-error.ts';

/**
 * Where the parts of an event are in a warehouse table. Two layouts:
 * - `mixpanel`: Mixpanel's pipeline table (`mp_master_event`): user, time, event and insert id
 *   columns, every other property inside one JSON column; attributes are read from that JSON
 *   with the same fallbacks as a Mixpanel export file (`country` ← `mp_country_code`, then `country`);
 * - `flat`: one column per attribute (an attribute's `source`, else its name), no JSON.
 */
export interface ColumnMapping {
  layout: 'mixpanel' | 'flat';
  user: string;
  /** A TIMESTAMP column. */
  time: string;
  event: string;
  /** Null when the table has no insert id (one is derived from the row's content). */
  insertId: string | null;
  /** The JSON (or JSON string) column of the `mixpanel` layout; null for `flat`. */
  properties: string | null;
}

export const MIXPANEL_MAPPING: ColumnMapping = {
  layout: 'mixpanel',
  user: 'distinct_id',
  time: 'time',
  event: 'event_name',
  insertId: 'insert_id',
  properties: 'properties',
};

export const FLAT_MAPPING: ColumnMapping = {
  layout: 'flat',
  user: 'user_id',
  time: 'time',
  event: 'event',
  insertId: 'insert_id',
  properties: null,
};

export type MappingPreset = 'mixpanel' | 'flat';

export function presetMapping(preset: string): ColumnMapping {
  if (preset === 'mixpanel') return { ...MIXPANEL_MAPPING };
  if (preset === 'flat') return { ...FLAT_MAPPING };
  throw new UserError(`unknown column mapping '${preset}': use mixpanel or flat`);
}

/** A column name as BigQuery (and DuckDB) accept it unquoted-safe; anything else is refused. */
export function checkColumnName(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,299}$/.test(name)) {
    throw new UserError(`invalid ${what} column '${name}': use letters, digits and _`);
  }
  return name;
}

/** A JSON property name usable inside a quoted JSONPath member (`$."name"`). */
export function checkPropertyName(name: string): string {
  if (name === '' || /["\\\u0000-\u001f]/.test(name)) {
    throw new UserError(`property name '${name}' cannot be read from JSON (quotes, backslashes and control characters are not allowed)`);
  }
  return name;
}

export function validateMapping(mapping: ColumnMapping): ColumnMapping {
  checkColumnName(mapping.user, 'user');
  checkColumnName(mapping.time, 'time');
  checkColumnName(mapping.event, 'event');
  if (mapping.insertId !== null) checkColumnName(mapping.insertId, 'insert id');
  if (mapping.layout === 'mixpanel') {
    if (mapping.properties === null) throw new UserError('the mixpanel layout needs a properties column');
    checkColumnName(mapping.properties, 'properties');
  }
  return mapping;
}

/**
 * Where an attribute's value comes from: property names tried in order inside the JSON column
 * (`mixpanel` layout), or one column (`flat` layout).
 */
export type AttributeOrigin = { kind: 'json'; properties: string[] } | { kind: 'column'; column: string };

export function attributeOrigin(mapping: ColumnMapping, attribute: AttributeSpec): AttributeOrigin {
  if (mapping.layout === 'mixpanel') return { kind: 'json', properties: mixpanelSources(attribute).map(checkPropertyName) };
  return { kind: 'column', column: checkColumnName(attribute.source ?? attribute.name, `attribute '${attribute.name}'`) };
}

export function attributeOrigins(mapping: ColumnMapping, definition: SessionDefinition): AttributeOrigin[] {
  return definition.attributes.map((a) => attributeOrigin(mapping, a));
}
