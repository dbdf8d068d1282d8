/**
 * An error caused by the user's input or environment (bad flag, missing file, unknown zone).
 * The CLI prints its message as one line and exits non-zero, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';

  /** Messages often quote user input; line breaks in it are folded so the reason stays one line. */
  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').trim());
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
