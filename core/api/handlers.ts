import { presetMapping } from '../bigquery/column-mapping.ts';
import { validateDefinition } from '../definition.ts';
import { writeDbtProject } from '../export/dbt/dbt-project.ts';
import { writeDbtZip } from '../export/dbt/dbt-zip.ts';
import { MAX_LOOKBACK_DAYS } from '../export/dbt/project-vars.ts';
import { exportEventsOf } from '../export/export-events.ts';
import { exportSessionRows } from '../export/export-sessions.ts';
import { applyDefinition, importFiles } from '../import-files.ts';
import { ZoneCalendar } from '../time/zone-calendar.ts';
import { UserError } from '../util/user-error.ts';
import { appMetrics } from './app-metrics.ts';
import type { ApiEvents, ApiMethod, ApiResult, SessionFilters, SessionQuery } from './contract.ts';
import {
  numberList, oneOf, optionalText, optionalWholeNumber, paramsObject, text, textList, wholeNumber,
} from './param-checks.ts';
import { sessionEvents } from './session-events.ts';
import { sqlSessionPage } from './sql-session-page.ts';
import { compareThresholds, gapHistogram } from './threshold-tools.ts';
import { userJourney } from './user-journey.ts';
import { searchUsers } from './user-search.ts';
import type { Workspace } from './workspace.ts';

/** Rejected rows sent to the renderer; the rest are counted (a rejects file holds them all). */
const MAX_REJECTIONS_SHOWN = 200;
/** The slider's range (issue: 1 minute to 4 hours) with room on both sides for typed values. */
const MAX_THRESHOLD_MS = 7 * 24 * 3_600_000;

export type Emit = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => void;

/** One function per method; parameters come unchecked from a transport. */
export type ApiHandlers = { [M in ApiMethod]: (params: unknown) => Promise<ApiResult<M>> };

/**
 * The app API's implementation over a workspace: what both transports serve. Long work
 * reports progress through `emit` under the caller's task id.
 */
export function createApiHandlers(workspace: Workspace, emit: Emit): ApiHandlers {
  const tasks = new Map<string, AbortController>();

  async function asTask<T>(taskId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (tasks.has(taskId)) throw new UserError(`task ${taskId} is already running`);
    const controller = new AbortController();
    tasks.set(taskId, controller);
    try {
      return await work(controller.signal);
    } finally {
      tasks.delete(taskId);
    }
  }

  const summaryOrFail = () => workspace.summary()!;
  /** After a change to the cache: every window learns its new summary. */
  const changed = () => {
    workspace.changed();
    const summary = workspace.summary();
    emit('workspace', summary);
    return summary!;
  };
  /** The table a call's optional `threshold_ms` asks for: a preview, or the stored sessions. */
  const tableFor = (params: Record<string, unknown>) => {
    const threshold = optionalWholeNumber(params, 'threshold_ms');
    return workspace.sessionsAt(threshold === undefined ? undefined : checkedThreshold(threshold));
  };
  const isStored = (params: Record<string, unknown>) => thresholdOf(params) === workspace.cache.definition.thresholdMs;
  const thresholdOf = (params: Record<string, unknown>) => optionalWholeNumber(params, 'threshold_ms') ?? workspace.cache.definition.thresholdMs;

  return {
    async summary() {
      return workspace.summary();
    },

    async openCache(raw) {
      const params = paramsObject(raw);
      workspace.openCache(text(params, 'path'), params.create === true);
      return changed();
    },

    async openDemo(raw) {
      const params = paramsObject(raw);
      await workspace.openDemo({
        ...defined('users', optionalWholeNumber(params, 'users', 1)),
        ...defined('days', optionalWholeNumber(params, 'days', 1)),
        ...defined('seed', optionalWholeNumber(params, 'seed')),
      });
      return changed();
    },

    async importFiles(raw) {
      const params = paramsObject(raw);
      const taskId = text(params, 'taskId');
      const paths = textList(params, 'paths');
      if (paths.length === 0) throw new UserError('choose at least one file to import');
      const range = params.range === undefined || params.range === null ? null : paramsObject(params.range);
      return asTask(taskId, async (signal) => {
        // Real events never go into the generated demo data: they go to the user's own cache.
        const target = workspace.importTarget();
        let summary;
        try {
          summary = await importFiles(target.cache, {
            signal,
            files: paths,
            range: range === null ? null : { from: text(range, 'from'), to: text(range, 'to') },
            onProgress: (p) =>
              emit('progress', { taskId, phase: p.phase, done: p.bytesRead, total: p.totalBytes, ...(p.file ? { item: p.file } : {}) }),
          });
        } catch (error) {
          target.discard();
          throw error;
        }
        target.adopt();
        const after = changed();
        return {
          imported: summary.imported,
          duplicates: summary.duplicates,
          rejected: summary.rejected,
          out_of_range: summary.out_of_range,
          days: summary.days,
          sessions: summary.sessions,
          summary: after,
          rejections: summary.rejections.slice(0, MAX_REJECTIONS_SHOWN).map((r) => ({ source: r.file, line: r.line, reason: r.reason, row: r.row })),
        };
      });
    },

    async cancelTask(raw) {
      const controller = tasks.get(text(paramsObject(raw), 'taskId'));
      controller?.abort();
      return { cancelled: controller !== undefined };
    },

    async listSessions(raw) {
      const params = paramsObject(raw);
      const query = sessionQuery(params);
      // A cache just opened: its first pages in the default order come from SQL while the table is read.
      if (workspace.readySessions === null && isStored(params) && query.sort === undefined && !hasFilters(query.filters)) {
        const limit = Math.min(query.limit, 1000);
        return { total: summaryOrFail().sessions, offset: query.offset, rows: sqlSessionPage(workspace.cache, query.offset, limit) };
      }
      const page = (await tableFor(params)).page(query);
      return { total: page.total, offset: query.offset, rows: page.rows };
    },

    async sessionEvents(raw) {
      const params = paramsObject(raw);
      const userId = text(params, 'user_id');
      const sessionId = wholeNumber(params, 'session_id', 1);
      const table = await tableFor(params);
      const userKey = workspace.cache.users.find(userId);
      const row = userKey === undefined ? -1 : table.find(userKey, sessionId);
      if (row === -1) throw new UserError(`no session ${sessionId} of user '${userId}'`);
      return { session: table.row(row), events: sessionEvents(workspace.cache, table.span(row)) };
    },

    async userJourney(raw) {
      const params = paramsObject(raw);
      const table = await tableFor(params);
      const cache = workspace.cache;
      const userId = optionalText(params, 'user_id');
      const userKey = userId === undefined ? table.firstUser() : cache.users.find(userId);
      if (userKey === undefined || table.rowsOfUser(userKey).count === 0) {
        throw new UserError(userId === undefined ? 'the cache holds no sessions' : `no sessions of user '${userId}'`);
      }
      return userJourney(cache, table, new ZoneCalendar(cache.definition.timeZone), userKey, thresholdOf(params));
    },

    async searchUsers(raw) {
      const params = paramsObject(raw);
      const limit = Math.min(optionalWholeNumber(params, 'limit', 1) ?? 20, 500);
      return { users: searchUsers(workspace.cache, text(params, 'query'), limit) };
    },

    async filterChoices() {
      return (await workspace.sessions()).attributeValues();
    },

    async metrics(raw) {
      const params = paramsObject(raw);
      const breakdown = params.breakdown === null ? undefined : optionalText(params, 'breakdown');
      return appMetrics(await tableFor(params), workspace.cache.definition, thresholdOf(params), {
        ...defined('from', optionalText(params, 'from')),
        ...defined('to', optionalText(params, 'to')),
        ...defined('breakdown', breakdown),
      });
    },

    async gapHistogram() {
      return gapHistogram(workspace.timeline);
    },

    async compareThresholds(raw) {
      const params = paramsObject(raw);
      const a = checkedThreshold(wholeNumber(params, 'a_ms'));
      const b = checkedThreshold(wholeNumber(params, 'b_ms'));
      return compareThresholds(workspace.timeline, workspace.gapIndex, a, b);
    },

    async previewThreshold(raw) {
      const threshold = checkedThreshold(wholeNumber(paramsObject(raw), 'threshold_ms'));
      const [point] = workspace.gapIndex.sweep([threshold]);
      return { threshold_ms: threshold, sessions: point.sessions, mean_duration_secs: point.mean_duration_secs };
    },

    async sweep(raw) {
      const thresholds = numberList(paramsObject(raw), 'thresholds_ms').map(checkedThreshold);
      if (thresholds.length > 10_000) throw new UserError('at most 10,000 thresholds at once');
      return { time_zone: workspace.cache.definition.timeZone, points: workspace.gapIndex.sweep(thresholds) };
    },

    async applyDefinition(raw) {
      const params = paramsObject(raw);
      const cache = workspace.cache;
      const stored = cache.definition;
      const threshold = optionalWholeNumber(params, 'threshold_ms');
      const definition = validateDefinition({
        ...stored,
        thresholdMs: threshold === undefined ? stored.thresholdMs : checkedThreshold(threshold),
        timeZone: optionalText(params, 'time_zone') ?? stored.timeZone,
        excludedEvents: params.excluded_events === undefined ? stored.excludedEvents : textList(params, 'excluded_events'),
      });
      applyDefinition(cache, definition);
      return changed();
    },

    async exportCsv(raw) {
      const params = paramsObject(raw);
      const taskId = text(params, 'taskId');
      const what = oneOf(params, 'what', ['sessions', 'events'] as const);
      const path = text(params, 'path');
      const table = await tableFor(params);
      const filters = params.filters === undefined || params.filters === null ? {} : sessionFilters(paramsObject(params.filters));
      const order = table.order({ filters });
      const cache = workspace.cache;
      const preview = thresholdOf(params) === cache.definition.thresholdMs ? {} : { thresholdMs: thresholdOf(params) };
      return asTask(taskId, async () => {
        emit('progress', { taskId, phase: 'exporting', done: 0, total: what === 'sessions' ? order.length : 0 });
        const onProgress = (done: number, total = 0) => emit('progress', { taskId, phase: 'exporting', done, total });
        let rows: number;
        if (what === 'sessions') {
          rows = await exportSessionRows(table.attributes, order.length, (i) => table.row(order[i]), path, { onProgress });
        } else {
          rows = await exportEventsOf(cache, path, {
            ...preview,
            ...(order.length === table.length ? {} : { include: table.membership(order) }),
            onProgress,
          });
        }
        return { rows, path };
      });
    },

    async exportDbt(raw) {
      const params = paramsObject(raw);
      const path = text(params, 'path');
      const lookbackDays = optionalWholeNumber(params, 'lookback_days') ?? 3;
      if (lookbackDays > MAX_LOOKBACK_DAYS) throw new UserError(`lookback_days must be at most ${MAX_LOOKBACK_DAYS}`);
      const options = {
        definition: workspace.cache.definition,
        mapping: presetMapping(params.layout === undefined ? 'mixpanel' : oneOf(params, 'layout', ['mixpanel', 'flat'] as const)),
        source: text(params, 'table'),
        lookbackDays,
      };
      if (path.toLowerCase().endsWith('.zip')) return { files: writeDbtZip(options, path).files, path };
      return { files: writeDbtProject({ ...options, outDir: path }).files.length, path };
    },
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function checkedThreshold(ms: number): number {
  if (ms < 1 || ms > MAX_THRESHOLD_MS) throw new UserError('a threshold must be between 1 ms and 7 days');
  return ms;
}

function sessionQuery(params: Record<string, unknown>): SessionQuery {
  const query: SessionQuery = { offset: wholeNumber(params, 'offset'), limit: wholeNumber(params, 'limit', 1) };
  if (params.sort !== undefined && params.sort !== null) {
    const sort = paramsObject(params.sort);
    query.sort = { column: text(sort, 'column'), direction: oneOf(sort, 'direction', ['asc', 'desc'] as const) };
  }
  if (params.filters !== undefined && params.filters !== null) query.filters = sessionFilters(paramsObject(params.filters));
  return query;
}

function sessionFilters(raw: Record<string, unknown>): SessionFilters {
  const filters: SessionFilters = {};
  const from = optionalText(raw, 'from');
  const to = optionalText(raw, 'to');
  const user = optionalText(raw, 'user');
  if (from) filters.from = from;
  if (to) filters.to = to;
  if (user) filters.user = user;
  if (raw.attributes !== undefined) {
    const attributes: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(paramsObject(raw.attributes))) {
      if (value !== null && typeof value !== 'string') throw new UserError(`filter ${name} must be text or null`);
      attributes[name] = value;
    }
    filters.attributes = attributes;
  }
  return filters;
}


function hasFilters(filters: SessionFilters | undefined): boolean {
  return filters !== undefined && Boolean(filters.from || filters.to || filters.user || Object.keys(filters.attributes ?? {}).length > 0);
}
