/**
 * Errors of the code sandbox. `runCode` never throws for anything a program does (that becomes a
 * verdict); these are thrown only for requests that cannot be run at all.
 */
import { ScratchpadError } from "../../core/errors.js";

/** A `CodeRequest` that is malformed: unknown language, tests of the wrong shape, bad limits. */
export class CodeRequestError extends ScratchpadError {
  override readonly name = "CodeRequestError";
  /** The request field at fault ("language", "tests", "limits.timeoutMs", ...). */
  readonly field: string;
  constructor(field: string, message: string) {
    super("code_request", `invalid code request: ${field}: ${message}`);
    this.field = field;
  }
}

/**
 * The sandbox that `SCRATCHPAD_SANDBOX=bwrap` demands cannot start (bubblewrap missing, or user namespaces
 * disabled). Unset the variable (or set it to `auto`) to fall back to rlimits and process groups.
 */
export class SandboxUnavailableError extends ScratchpadError {
  override readonly name = "SandboxUnavailableError";
  constructor(reason: string) {
    super(
      "sandbox_unavailable",
      `the bubblewrap sandbox is unavailable: ${reason}. Install bubblewrap (apt-get install bubblewrap) and allow ` +
        `user namespaces, or set SCRATCHPAD_SANDBOX=auto to accept the weaker rlimits-only sandbox`,
    );
  }
}
