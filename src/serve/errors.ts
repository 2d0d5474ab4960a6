/**
 * OpenAI-shaped HTTP errors: `{"error": {"message", "type", "param", "code"}}` with a 4xx/5xx status.
 */

/** An error the server answers with an OpenAI-shaped JSON body. */
export class OpenAIHttpError extends Error {
  override readonly name = "OpenAIHttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? "server_error" : "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  /** The JSON body: `{"error": {...}}`. */
  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 for a bad parameter, naming it. */
export function badParam(param: string, message: string, code = "invalid_value"): OpenAIHttpError {
  return new OpenAIHttpError(400, message, "invalid_request_error", param, code);
}
