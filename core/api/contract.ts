/**
 * The app API, declared once: every method the renderer may call, with its parameters and
 * result, and the progress events it may receive. Both transports serve exactly this map —
 * Electron IPC (electron/main.ts, electron/preload.ts) and HTTP in browser mode
 * (core/server/) — and the renderer's client is typed by it. Types only, plus the method list:
 * this file is imported by the renderer, so it must stay free of Node.
 */
export type SortDirection = 'asc' | 'desc';

/** Columns of the Sessions view, as in the sessions CSV (SPEC §2); attributes by name. */
export const SESSION_SORT_COLUMNS = [
  'user_id', 'session_id', 'start_date', 'start_time', 'end_time', 'session_duration_secs', 'event_count', 'first_event', 'last_event',
] as const;
export type SessionSortColumn = (typeof SESSION_SORT_COLUMNS)[number];

export interface SessionFilters {
  /** Local start dates, inclusive, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  /** A user id, or the beginning of one. */
  user?: string;
  /** Attribute name → exact value; `null` selects sessions whose value is null. */
  attributes?: Record<string, string | null>;
}

export interface SessionQuery {
  offset: number;
  limit: number;
  /** A column of SESSION_SORT_COLUMNS or an attribute's name; ties go by user_id, session_id. */
  sort?: { column: string; direction: SortDirection };
  filters?: SessionFilters;
  /** Sessions at this inactivity threshold instead of the stored one: a preview computed in memory. */
  threshold_ms?: number;
}

/** One session, with the sessions CSV's fields (times ISO 8601 UTC, dates local). */
export interface SessionRow {
  user_id: string;
  session_id: number;
  start_date: string;
  /** The same as start_date: sessions never cross local midnight (kept as the CSV has it). */
  end_date: string;
  start_time: string;
  end_time: string;
  session_duration_secs: number;
  event_count: number;
  first_event: string;
  last_event: string;
  attributes: Record<string, string | null>;
}

export interface SessionPage {
  /** Sessions matching the filters (all pages). */
  total: number;
  offset: number;
  rows: SessionRow[];
}

export interface SessionEvent {
  time: string;
  event: string;
  insert_id: string;
  /** Milliseconds since the session's previous event; null for the first. */
  gap_ms: number | null;
  attributes: Record<string, string | null>;
  /** The event's other properties as stored, or null. */
  properties: Record<string, unknown> | null;
}

export interface SessionDetail {
  session: SessionRow;
  events: SessionEvent[];
}

export interface DefinitionView {
  threshold_ms: number;
  time_zone: string;
  attributes: Array<{ name: string; source: string | null }>;
  excluded_events: string[];
}

export interface CacheSummary {
  /** Where the cache is; `demo` when it is the generated demo data. */
  path: string;
  demo: boolean;
  events: number;
  users: number;
  sessions: number;
  /** Local dates of the first and last sessions, or null when empty. */
  first_date: string | null;
  last_date: string | null;
  definition: DefinitionView;
}

/** The counts of `import --json` (SPEC §3). */
export interface ImportCounts {
  imported: number;
  duplicates: number;
  rejected: number;
  out_of_range: number;
  days: number;
  sessions: number;
}

/** The import's counts, the cache afterwards, and the first rejected rows. */
export interface ImportResult extends ImportCounts {
  summary: CacheSummary;
  /** The first rejected rows (at most 200): where, why, and the row as read. */
  rejections: Array<{ source: string; line: number; reason: string; row: string }>;
}

export interface ThresholdPreview {
  threshold_ms: number;
  sessions: number;
  mean_duration_secs: number;
}

export interface SweepResult {
  time_zone: string;
  points: Array<{ threshold_secs: number; sessions: number; mean_duration_secs: number; total_duration_secs: number }>;
}

export interface DefinitionPatch {
  threshold_ms?: number;
  time_zone?: string;
  excluded_events?: string[];
}

/** Metrics of the sessions starting on one local date (SPEC §2). */
export interface MetricsDay {
  start_date: string;
  sessions: number;
  users: number;
  /** Sum of session durations / distinct users that day: "average session time per user per day". */
  avg_session_time_per_user: number;
  /** Mean duration of sessions with session_id = 1 that day (null when none). */
  avg_first_session_secs: number | null;
  mean_duration_secs: number;
  median_duration_secs: number;
  p90_duration_secs: number;
  /** Share of one-event sessions. */
  bounce_share: number;
}

export interface MetricsResult {
  threshold_secs: number;
  time_zone: string;
  preview: boolean;
  totals: Omit<MetricsDay, 'start_date'> & { events: number; days: number; user_days: number };
  days: MetricsDay[];
}

/** The metrics of the Metrics view: SPEC §2's per-day metrics over a date range, plus its charts' data. */
export interface AppMetrics extends MetricsResult {
  /** The local start dates the metrics cover (inclusive), as asked; null for open ends. */
  from: string | null;
  to: string | null;
  /** Sessions by duration: bins of whole seconds `from_secs <= duration < to_secs` (to_secs null: no upper end). */
  histogram: Array<{ from_secs: number; to_secs: number | null; sessions: number }>;
  /** The totals per value of one attribute, most sessions first; null when none was asked for. */
  breakdown: { attribute: string; rows: Array<{ value: string | null } & Omit<MetricsDay, 'start_date'>> } | null;
}

/** One event on a user's timeline. */
export interface JourneyEvent extends SessionEvent {
  /** Milliseconds since local midnight of the session's date (where the tick goes). */
  offset_ms: number;
}

/** One session on a user's timeline: its row and its events in order. */
export interface JourneySession {
  session: SessionRow;
  /** Milliseconds since local midnight of its start and end. */
  start_offset_ms: number;
  end_offset_ms: number;
  events: JourneyEvent[];
}

/** A user's sessions, one entry per local date with sessions. */
export interface UserJourney {
  user_id: string;
  threshold_ms: number;
  /** Neighbours in user_id order (users with sessions), for stepping through users. */
  previous_user: string | null;
  next_user: string | null;
  sessions: number;
  events: number;
  days: Array<{ date: string; sessions: JourneySession[] }>;
  /** True when the user has more events than a timeline shows; the first ones are shown. */
  truncated: boolean;
}

/** In-day gaps between consecutive events (the gaps a threshold cuts), on logarithmic bins. */
export interface GapHistogram {
  /** All in-day gaps longer than 0 ms. */
  gaps: number;
  /** Bins `from_ms < gap <= to_ms`, ascending and contiguous; the first starts at 0. */
  bins: Array<{ from_ms: number; to_ms: number; gaps: number }>;
}

/** Two thresholds side by side; a shorter threshold only ever cuts the longer one's sessions. */
export interface ThresholdComparison {
  a: ThresholdPreview;
  b: ThresholdPreview;
  /** Sessions under the longer threshold that the shorter one cuts into several… */
  split_sessions: number;
  /** …and how many sessions they become under the shorter one. */
  split_into: number;
  /** Sessions that are the same under both. */
  unchanged: number;
}

/** Long work reports progress under a task id the caller chooses, and can be cancelled by it. */
export interface TaskProgress {
  taskId: string;
  phase: 'reading' | 'writing' | 'exporting';
  /** Work done and total in the phase's unit (bytes while reading, rows while exporting); total 0 when unknown. */
  done: number;
  total: number;
  /** What is being worked on (a file name), if anything. */
  item?: string;
}

/** Every method: `params` in, `result` out. */
export interface ApiMethods {
  /** The open cache, or null before one is open. */
  summary: { params: Record<string, never>; result: CacheSummary | null };
  openCache: { params: { path: string; create?: boolean }; result: CacheSummary };
  openDemo: { params: { users?: number; days?: number; seed?: number }; result: CacheSummary };
  importFiles: { params: { taskId: string; paths: string[]; range?: { from: string; to: string } | null }; result: ImportResult };
  cancelTask: { params: { taskId: string }; result: { cancelled: boolean } };
  listSessions: { params: SessionQuery; result: SessionPage };
  sessionEvents: { params: { user_id: string; session_id: number; threshold_ms?: number }; result: SessionDetail };
  /** A user's timeline; with no user_id, the first user's. */
  userJourney: { params: { user_id?: string; threshold_ms?: number }; result: UserJourney };
  searchUsers: { params: { query: string; limit?: number }; result: { users: string[] } };
  /** Each attribute's values (for filters), most frequent first, at most 200 each. */
  filterChoices: { params: Record<string, never>; result: Record<string, string[]> };
  metrics: { params: { threshold_ms?: number; from?: string; to?: string; breakdown?: string | null }; result: AppMetrics };
  gapHistogram: { params: Record<string, never>; result: GapHistogram };
  compareThresholds: { params: { a_ms: number; b_ms: number }; result: ThresholdComparison };
  previewThreshold: { params: { threshold_ms: number }; result: ThresholdPreview };
  sweep: { params: { thresholds_ms: number[] }; result: SweepResult };
  applyDefinition: { params: DefinitionPatch; result: CacheSummary };
  /**
   * The sessions or events CSV of the sessions the view shows: at a preview threshold when one is
   * given, limited to the sessions matching the filters when given (the events of those sessions).
   */
  exportCsv: {
    params: { taskId: string; what: 'sessions' | 'events'; path: string; threshold_ms?: number; filters?: SessionFilters };
    result: { rows: number; path: string };
  };
  /** The stored definition as a dbt project (`export dbt`): a folder, or a .zip file when the path ends in .zip. */
  exportDbt: {
    params: { path: string; table: string; layout?: 'mixpanel' | 'flat'; lookback_days?: number };
    result: { files: number; path: string };
  };
}

export type ApiMethod = keyof ApiMethods;
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

/** Events pushed to the renderer. */
export interface ApiEvents {
  progress: TaskProgress;
  /** The open cache changed (another cache opened, an import, a new definition): its summary now. */
  workspace: CacheSummary | null;
}
export type ApiEvent = keyof ApiEvents;

/** Written as an object so that adding a method without listing it fails to compile. */
const METHOD_SET: Record<ApiMethod, true> = {
  summary: true,
  openCache: true,
  openDemo: true,
  importFiles: true,
  cancelTask: true,
  listSessions: true,
  sessionEvents: true,
  userJourney: true,
  searchUsers: true,
  filterChoices: true,
  metrics: true,
  gapHistogram: true,
  compareThresholds: true,
  previewThreshold: true,
  sweep: true,
  applyDefinition: true,
  exportCsv: true,
  exportDbt: true,
};

/** The method names, for transports that register one handler per method. */
export const API_METHODS = Object.keys(METHOD_SET) as ApiMethod[];
const EVENT_SET: Record<ApiEvent, true> = { progress: true, workspace: true };
export const API_EVENTS = Object.keys(EVENT_SET) as ApiEvent[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(METHOD_SET, name);
}

/** A failure as it crosses a transport: a user error's one-line message, or an internal error. */
export interface ApiErrorBody {
  error: { message: string; user: boolean };
}

/** What a call returns over either transport: the result, or the failure. */
export type ApiEnvelope<M extends ApiMethod> = { result: ApiResult<M> } | ApiErrorBody;

/** The API as functions, the way the renderer calls it. */
export type ApiFunctions = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>> };

/** IPC channel of a method (one `ipcMain.handle` each) and of the event stream. */
export const ipcChannel = (method: ApiMethod): string => `api:${method}`;
export const IPC_EVENT_CHANNEL = 'api-event';
export const IPC_DIALOG_CHANNELS = { chooseImportFiles: 'dialog:chooseImportFiles', chooseSavePath: 'dialog:chooseSavePath' } as const;

/**
 * What electron/preload.ts exposes to the renderer as its global `sessionExplorer`: one function per
 * API method (each answering an ApiEnvelope), the event stream, and the native dialogs the
 * browser build replaces with a file input and a download.
 */
export interface DesktopBridge {
  api: { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiEnvelope<M>> };
  onEvent<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Paths of the event files chosen in an open dialog; empty when cancelled. */
  chooseImportFiles(): Promise<string[]>;
  /** A path chosen in a save dialog, or null when cancelled. */
  chooseSavePath(defaultName: string): Promise<string | null>;
}
