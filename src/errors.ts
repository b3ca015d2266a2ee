/**
 * A failure the user caused or can fix: its message is shown to them as is, so it says what was
 * wrong and what to do. Anything else that escapes a command is logged with a correlation id and
 * the user gets a short apology instead (never a stack trace).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
