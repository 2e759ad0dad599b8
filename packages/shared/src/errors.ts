/**
 * Error codes and HTTP statuses shared by the server and its clients (DESIGN §6).
 *
 * Every failure the API answers is `{ success: false, error: { code, message, details } }`
 * where `code` is one of {@link ErrorCode} and `details.field` (when present) is the path of
 * the offending input field, e.g. `"detected_count"` or `"body.detection_data"`.
 */

/** Machine-readable error codes with the HTTP status each one answers with. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  CREDENTIAL_EXPIRED: 401,
  FORBIDDEN: 403,
  OUT_OF_SCOPE: 403,
  NOT_FOUND: 404,
  UNKNOWN_BRANCH: 404,
  UNKNOWN_DEVICE: 404,
  CONFLICT: 409,
  DEVICE_BRANCH_MISMATCH: 400,
  /** The request (headers or body) did not arrive within the server's time (slow or stalled client). */
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  /** A path segment longer than a route parameter may be. */
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** The request line and headers together exceed the server's limit (16 KiB). */
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
} as const;

/** One of the machine-readable error codes. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The `error` member of a failure envelope. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: { field?: string; issues?: Array<{ field: string; message: string }>; [k: string]: unknown };
}

/**
 * An error as a value: a code, an HTTP status and a field path. Thrown by services and the
 * API client; turned into the failure envelope in one place on the server.
 */
export class PantauError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ApiErrorBody['details'];

  /**
   * @param code machine code; the HTTP status follows from it (see {@link ERROR_STATUS})
   * @param message human-readable sentence
   * @param details optional `{ field, ... }`
   */
  constructor(code: ErrorCode, message: string, details?: ApiErrorBody['details']) {
    super(message);
    this.name = 'PantauError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }

  /** The failure envelope body for this error. */
  toBody(): ApiErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
