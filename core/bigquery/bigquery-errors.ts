import { UserError } from '../util/user-error.ts';

/** What the client's errors carry: an HTTP status and BigQuery's error reasons. */
interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
  response?: { status?: number };
}

export function errorReason(error: unknown): string | undefined {
  const e = error as ApiErrorLike;
  return e?.errors?.find((x) => x?.reason)?.reason;
}

export function errorStatus(error: unknown): number | undefined {
  const e = error as ApiErrorLike;
  if (typeof e?.code === 'number') return e.code;
  return e?.response?.status;
}

const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'rateLimitExceeded', 'jobBackendError', 'jobInternalError']);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** Errors worth retrying with backoff: BigQuery's own "try again" reasons, 5xx, 429 and dropped connections. */
export function isTransient(error: unknown): boolean {
  const reason = errorReason(error);
  if (reason !== undefined && TRANSIENT_REASONS.has(reason)) return true;
  if (reason === 'quotaExceeded' || reason === 'bytesBilledLimitExceeded' || reason === 'accessDenied') return false;
  const status = errorStatus(error);
  if (status === 429 || status === 500 || status === 502 || status === 503 || status === 504) return true;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK.has(code);
}

/** BigQuery's message, one line, short; never includes request headers (where a token would be). */
function apiMessage(error: unknown): string {
  const e = error as ApiErrorLike;
  const text = e?.errors?.find((x) => x?.message)?.message ?? e?.message ?? String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/**
 * Turns a client error into the one-line message an analyst can act on. `what` names the
 * table or endpoint involved.
 */
export function describeBigQueryError(error: unknown, context: { table: string; endpoint?: string }): UserError {
  if (error instanceof UserError) return error;
  const message = apiMessage(error);
  if (/could not load the default credentials|could not refresh access token|invalid_grant|no access, refresh token/i.test(message)) {
    return new UserError(
      'no usable Google credentials: run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or pass --key-file',
    );
  }
  if (/DECODER routines|PEM routines|private key|invalid_client|unauthorized_client/i.test(message)) {
    return new UserError('the credentials cannot be used: the key file\'s private key is invalid or the account is disabled');
  }
  const reason = errorReason(error);
  const status = errorStatus(error);
  // A cancelled job reports `stopped` with status 400; it is not a bad query.
  if (reason === 'stopped') return new UserError('the BigQuery job was cancelled');
  if (reason === 'bytesBilledLimitExceeded') {
    return new UserError(`BigQuery refused the query: it would bill more bytes than --max-bytes allows (${message})`);
  }
  if (reason === 'quotaExceeded' || reason === 'rateLimitExceeded' || status === 429) {
    return new UserError(`BigQuery quota exceeded: ${message}`);
  }
  if (reason === 'notFound' || status === 404) return new UserError(`not found in BigQuery (${context.table}): ${message}`);
  if (reason === 'accessDenied' || status === 403) return new UserError(`permission denied on ${context.table}: ${message}`);
  if (status === 401) return new UserError(`BigQuery rejected the credentials: ${message}`);
  if (reason === 'invalidQuery' || reason === 'invalid' || status === 400) {
    return new UserError(`BigQuery rejected the query (check the column mapping): ${message}`);
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new UserError(`cannot reach BigQuery${context.endpoint ? ` at ${context.endpoint}` : ''} (${code})`);
  }
  return new UserError(`BigQuery error${status ? ` ${status}` : ''}${reason ? ` (${reason})` : ''}: ${message}`);
}
