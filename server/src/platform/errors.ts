import { HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@tremolo/protocol';

/** A failure we expect and can explain to the person: becomes a 4xx with a machine-readable code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: { path: string; message: string }[] | undefined;
  /** For `rate_limited`: seconds until the budget allows another try (sent as Retry-After). */
  retryAfterSec: number | undefined;

  /** `status` overrides the code's usual one, for a framework's 4xx that has no code of its own (405, 406). */
  constructor(code: ErrorCode, message: string, issues?: { path: string; message: string }[], status: number = HTTP_STATUS_BY_CODE[code]) {
    super(message);
    this.code = code;
    this.status = status;
    this.issues = issues;
    this.retryAfterSec = undefined;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do that') => new AppError('forbidden', message);
