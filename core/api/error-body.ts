import { isUserError } from '../util/user-error.ts';
import type { ApiErrorBody } from './contract.ts';

/**
 * A failure as both transports report it: a user error's one-line message, or an internal
 * error's first line (never a stack), so the renderer shows the same words over IPC and HTTP.
 */
export function errorBody(error: unknown): ApiErrorBody {
  if (isUserError(error)) return { error: { message: error.message, user: true } };
  const message = error instanceof Error ? error.message : String(error);
  return { error: { message: `internal error: ${message.split('\n')[0]}`, user: false } };
}
