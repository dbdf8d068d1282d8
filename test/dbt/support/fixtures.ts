// Definitions, mappings and generated projects shared by the dbt tests.
import { FLAT_MAPPING, MIXPANEL_MAPPING, type ColumnMapping } from '../../../core/bigquery/column-mapping.ts';
import type { SessionDefinition } from '../../../core/definition.ts';
import { writeDbtProject } from '../../../core/export/dbt/dbt-project.ts';
import { DbtProject } from './dbt-render.ts';
import { ODD_EXCLUDED_EVENT, PLAN_PROPERTY, ZONE } from './test-events.ts';

export const SOURCE = 'my-project.analytics.mp_master_event';

/** New York, 30 minutes, a custom attribute from a quoted property, oddly named exclusions. */
export function mixpanelDefinition(): SessionDefinition {
  return {
    thresholdMs: 1_800_000,
    timeZone: ZONE,
    attributes: [{ name: 'country' }, { name: 'device' }, { name: 'os' }, { name: 'plan', source: PLAN_PROPERTY }],
    excludedEvents: ['$identify', ODD_EXCLUDED_EVENT],
  };
}

export function flatDefinition(): SessionDefinition {
  return { ...mixpanelDefinition(), attributes: [{ name: 'country' }, { name: 'device' }, { name: 'os' }, { name: 'plan', source: 'subscription_plan' }] };
}

export const ATTRIBUTES = ['country', 'device', 'os', 'plan'];

/** Writes the project into `dir` and opens it for rendering. */
export function generatedProject(dir: string, definition: SessionDefinition, mapping: ColumnMapping, lookbackDays = 7): DbtProject {
  writeDbtProject({ definition, mapping, source: SOURCE, lookbackDays, outDir: dir });
  return new DbtProject(dir);
}

export { FLAT_MAPPING, MIXPANEL_MAPPING };
