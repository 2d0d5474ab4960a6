/**
 * `POST /verify`: `{"kind": "math"|"code", "items": [...]}` where the items are exactly the objects
 * `scratchpad verify math|code --jsonl` reads, one per line; the answer is `{"results": [...]}`, the objects
 * the CLI writes, in order. The per-item logic is the CLI's own (items.ts). Item numbers in error messages
 * ("line N: ...") count from 1, as the CLI's lines do.
 */
import { runCode } from "../../verify/code/run-code.js";
import { badParam } from "../errors.js";
import type { Semaphore } from "./admission.js";
import { codeItemError, codeItemResult, parseCodeItem } from "./items.js";
import type { MathPool } from "./math-pool.js";

/** A validated `/verify` body. */
export interface VerifyJob {
  kind: "math" | "code";
  items: unknown[];
}

/** Validate a `/verify` body (400 naming the field on bad input). */
export function parseVerifyBody(body: unknown): VerifyJob {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badParam("body", 'the body must be a JSON object {"kind": "math"|"code", "items": [...]}');
  }
  const o = body as Record<string, unknown>;
  if (o.kind !== "math" && o.kind !== "code") throw badParam("kind", `kind must be "math" or "code" (got ${JSON.stringify(o.kind)})`);
  if (!Array.isArray(o.items)) throw badParam("items", "items must be a list of the objects `verify " + o.kind + " --jsonl` reads");
  return { kind: o.kind, items: o.items };
}

/** Run a `/verify` job; results in item order. */
export async function runVerify(
  job: VerifyJob,
  engines: { math: MathPool; sandbox: Semaphore; mathChunk: number },
  signal: AbortSignal,
): Promise<Record<string, unknown>[]> {
  if (job.kind === "math") {
    const chunks: Promise<Record<string, unknown>[]>[] = [];
    for (let s = 0; s < job.items.length; s += engines.mathChunk) {
      const part = job.items.slice(s, s + engines.mathChunk);
      chunks.push(
        engines.math.lines(part, s + 1, signal).catch((e: unknown) => {
          // A worker lost on these items (crash, input it could not take): each gets an error line, the rest go on.
          if (signal.aborted) throw e;
          return part.map((_item, k) => ({ error: `line ${s + k + 1}: internal error: ${e instanceof Error ? e.message : String(e)}` }));
        }),
      );
    }
    return (await Promise.all(chunks)).flat();
  }
  return Promise.all(
    job.items.map((item, i) => {
      const n = i + 1;
      let parsed: ReturnType<typeof parseCodeItem>;
      try {
        parsed = parseCodeItem(item);
      } catch (e) {
        return Promise.resolve(codeItemError(n, (e as Error).message, undefined));
      }
      const { req, id } = parsed;
      return engines.sandbox.run(
        () =>
          runCode({ ...req, signal }).then(
            (r) => codeItemResult(r, id),
            (e: unknown) => codeItemError(n, e instanceof Error ? e.message : String(e), id),
          ),
        signal,
      );
    }),
  );
}
