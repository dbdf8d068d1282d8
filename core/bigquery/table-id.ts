import { UserError } from '../util/user-error.ts';

/** A fully qualified BigQuery table or view, each part checked against BigQuery's naming rules. */
export interface TableId {
  project: string;
  dataset: string;
  table: string;
}

// Project ids: 6–30 lowercase letters, digits and hyphens, optionally behind a `domain:` prefix.
const PROJECT = /^(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
// Table names: letters, marks, numbers, connectors, dashes and spaces (BigQuery's documented set).
const TABLE = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd} ]{1,1024}$/u;

/** Parses `PROJECT.DATASET.TABLE` (or `DATASET.TABLE` with a default project). */
export function parseTableId(text: string, defaultProject?: string): TableId {
  const parts = text.trim().replace(/^`|`$/g, '').split('.');
  const [project, dataset, table] = parts.length === 2 && defaultProject ? [defaultProject, parts[0], parts[1]] : parts;
  if (parts.length < 2 || parts.length > 3 || table === undefined) {
    throw new UserError(`invalid table '${text}': use PROJECT.DATASET.TABLE`);
  }
  if (!PROJECT.test(project)) throw new UserError(`invalid project id '${project}' in table '${text}'`);
  if (!DATASET.test(dataset)) throw new UserError(`invalid dataset '${dataset}' in table '${text}': use letters, digits and _`);
  if (!TABLE.test(table) || table.trim() !== table) throw new UserError(`invalid table name '${table}' in '${text}'`);
  return { project, dataset, table };
}

/** The table as a quoted SQL identifier; safe because every part passed the checks above. */
export function quotedTable(id: TableId): string {
  return `\`${id.project}.${id.dataset}.${id.table}\``;
}

export function tableText(id: TableId): string {
  return `${id.project}.${id.dataset}.${id.table}`;
}
