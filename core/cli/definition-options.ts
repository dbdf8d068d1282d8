import type { Command } from 'commander';
import { parseAttributeList, parseEventList, validateDefinition, type SessionDefinition } from '../definition.ts';
import { parseDurationMs } from '../time/duration.ts';

export interface DefinitionFlags {
  threshold?: string;
  tz?: string;
  attributes?: string;
  excludeEvents?: string;
}

/** Adds the options that change the session definition (SPEC §3). */
export function addDefinitionOptions(command: Command, withAttributes = true): Command {
  command
    .option('--threshold <dur>', 'inactivity threshold: 1800, 1800s, 30m or 1h30m')
    .option('--tz <zone>', 'IANA time zone of local dates (default UTC)');
  if (withAttributes) command.option('--attributes <list>', 'session attributes: a,b,c or a=sourceField,...');
  return command.option('--exclude-events <list>', 'event names that take no part in sessions: e1,e2');
}

/** The stored definition with the flags given applied. */
export function definitionWithFlags(stored: SessionDefinition, flags: DefinitionFlags): SessionDefinition {
  return validateDefinition({
    thresholdMs: flags.threshold === undefined ? stored.thresholdMs : parseDurationMs(flags.threshold),
    timeZone: flags.tz ?? stored.timeZone,
    attributes: flags.attributes === undefined ? stored.attributes : parseAttributeList(flags.attributes),
    excludedEvents: flags.excludeEvents === undefined ? stored.excludedEvents : parseEventList(flags.excludeEvents),
  });
}
