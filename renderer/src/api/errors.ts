import type { ApiErrorBody } from '../../../core/api/contract.ts';

/** A failed call, with the one-line message the API gave (a user error's own words). */
export class ApiError extends Error {
  /** True for the user's mistakes (bad input, no cache open); false for internal failures. */
  readonly user: boolean;
  constructor(message: string, user: boolean) {
    super(message.split('\n')[0]);
    this.name = 'ApiError';
    this.user = user;
  }
}

/** The result of an envelope (ApiEnvelope, or the server's upload answer), or its failure thrown. */
export function unwrap<T>(envelope: { result: T } | ApiErrorBody): T {
  if ('error' in envelope) throw new ApiError(envelope.error.message, envelope.error.user);
  return envelope.result;
}

/** Any thrown value as one line for the UI. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] || 'something went wrong';
}
