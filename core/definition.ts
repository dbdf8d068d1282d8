import { assertTimeZone } from './time/zone-calendar.ts';
import { UserError } from './util/user-error.ts';

/** A session attribute: a name (a CSV/SQL column) and, optionally, the event property it is read from. */
export interface AttributeSpec {
  name: string;
  /** Explicit source property; when absent the Mixpanel default name (if any), then `name`, are used. */
  source?: string;
}

/** SPEC §1: what makes a session. Stored with the cache; changing it re-sessionizes the cache. */
export interface SessionDefinition {
  thresholdMs: number;
  timeZone: string;
  attributes: AttributeSpec[];
  excludedEvents: string[];
}

export const DEFAULT_THRESHOLD_MS = 1_800_000;

/** Attributes' property names in Mixpanel exports, tried before a property of the attribute's own name. */
const MIXPANEL_SOURCES: Readonly<Record<string, string>> = {
  country: 'mp_country_code',
  device: '$device',
  os: '$os',
};

/** Mixpanel's bookkeeping events, offered for exclusion in the UI. */
export const MIXPANEL_BOOKKEEPING_EVENTS = ['$identify', '$create_alias', '$merge', '$mp_web_page_view_heartbeat'];

export const BASE_ATTRIBUTES = ['country', 'device', 'os'] as const;

export function defaultDefinition(): SessionDefinition {
  return {
    thresholdMs: DEFAULT_THRESHOLD_MS,
    timeZone: 'UTC',
    attributes: BASE_ATTRIBUTES.map((name) => ({ name })),
    excludedEvents: [],
  };
}

/** Property names to try, in order, for an attribute of a Mixpanel event. */
export function mixpanelSources(attribute: AttributeSpec): string[] {
  if (attribute.source !== undefined) return [attribute.source];
  const mixpanel = MIXPANEL_SOURCES[attribute.name];
  return mixpanel === undefined ? [attribute.name] : [mixpanel, attribute.name];
}

/** The column a CSV attribute is read from (SPEC §2: a column of the attribute's name). */
export function csvSource(attribute: AttributeSpec): string {
  return attribute.source ?? attribute.name;
}

const RESERVED_COLUMNS = new Set([
  'user_id', 'session_id', 'start_date', 'end_date', 'start_time', 'end_time', 'session_duration_secs',
  'event_count', 'first_event', 'last_event', 'time', 'insert_id', 'event',
]);

/** Parses `--attributes a,b,c | a=sourceField,...`. */
export function parseAttributeList(text: string): AttributeSpec[] {
  const attributes: AttributeSpec[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = (eq === -1 ? item : item.slice(0, eq)).trim();
    const source = eq === -1 ? undefined : item.slice(eq + 1).trim();
    if (source === '') throw new UserError(`attribute '${name}' has an empty source field`);
    attributes.push(source === undefined ? { name } : { name, source });
  }
  validateAttributes(attributes);
  return attributes;
}

function validateAttributes(attributes: AttributeSpec[]): void {
  const seen = new Set<string>();
  for (const { name } of attributes) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
      throw new UserError(`invalid attribute name '${name}': use letters, digits and _ (it becomes a column name)`);
    }
    const lower = name.toLowerCase();
    if (RESERVED_COLUMNS.has(lower)) throw new UserError(`attribute name '${name}' is a reserved column name`);
    if (seen.has(lower)) throw new UserError(`attribute '${name}' is listed twice`);
    seen.add(lower);
  }
}

export function parseEventList(text: string): string[] {
  return [...new Set(text.split(',').map((e) => e.trim()).filter((e) => e !== ''))];
}

/** Checks a definition read from a user or a cache; returns it normalised (sorted exclusions). */
export function validateDefinition(definition: SessionDefinition): SessionDefinition {
  if (!Number.isSafeInteger(definition.thresholdMs) || definition.thresholdMs < 0) {
    throw new UserError('the inactivity threshold must be a non-negative duration');
  }
  assertTimeZone(definition.timeZone);
  validateAttributes(definition.attributes);
  return {
    thresholdMs: definition.thresholdMs,
    timeZone: definition.timeZone,
    attributes: definition.attributes.map((a) => (a.source === undefined ? { name: a.name } : { name: a.name, source: a.source })),
    excludedEvents: [...new Set(definition.excludedEvents)].sort(),
  };
}

export function definitionsEqual(a: SessionDefinition, b: SessionDefinition): boolean {
  return JSON.stringify(validateDefinition(a)) === JSON.stringify(validateDefinition(b));
}
