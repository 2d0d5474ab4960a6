/**
 * OpenAI-shaped HTTP errors: `{"error": {"message", "type", "param", "code"}}` with a 4xx/5xx status.
 */
import { ScratchpadError } from "../core/errors.js";

/**
 * An error the server answers with an OpenAI-shaped JSON body. Its `code` (the library's stable code,
 * as on every `ScratchpadError`) is the body's `code` when there is one, else `http_<status>`;
 * `apiCode` is the body's `code` as sent (null when none).
 */
export class OpenAIHttpError extends ScratchpadError {
  /** The `code` field of the JSON body (OpenAI's, e.g. "rate_limit_exceeded"; null when none). */
  readonly apiCode: string | null;

  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? "server_error" : "invalid_request_error",
    readonly param: string | null = null,
    code: string | null = null,
  ) {
    super(code ?? `http_${status}`, message);
    this.apiCode = code;
  }

  /** The JSON body: `{"error": {...}}`. */
  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.apiCode } };
  }
}

/** A 400 for a bad parameter, naming it. */
export function badParam(param: string, message: string, code = "invalid_value"): OpenAIHttpError {
  return new OpenAIHttpError(400, message, "invalid_request_error", param, code);
}
