/**
 * CLI of the test-time compute stage (see docs/inference.md):
 *
 *   scratchpad eval (--model DIR | --endpoint URL [--model NAME]) [--task T] [--n N] [--k K]
 *                   [--budgets 0,32,256] [--strategy majority|best-of-n|single] [--seed S] [--json]
 *                   [--print-prompts] [--difficulty 1-6] [--report FILE.html] [--out FILE.json] ...
 *   (scratchpad route: cli/route.ts)
 *   scratchpad serve --model DIR [--port P] [--host H] [--name NAME] [--max-slots 64]
 */
import * as path from "node:path";
import type { Command } from "commander";
import { isEndpoint, openPolicy, type OpenPolicyOptions } from "../backends/index.js";
import { loadChatPrompt } from "../backends/chat-prompt.js";
import { writeFileAtomic } from "../core/atomic.js";
import { loadCheckpoint } from "../engine/checkpoint.js";
import { evaluate, type EvalReport } from "../eval/evaluate.js";
import type { StrategyName } from "../eval/metrics.js";
import { buildProblems, DEFAULT_EVAL_TASK } from "../eval/problems.js";
import { renderEvalHtml } from "../eval/report.js";
import { publicTestProblem } from "../scale/publicTests.js";
import { EFFORT_LEVELS, isEffortLevel, parseEffortBudgets } from "../scale/effort.js";
import { ContinuousBatcher } from "../serve/batcher.js";
import { templateFromString } from "../serve/context.js";
import { startServer } from "../serve/server.js";
import { getTemplate, renderPrompt, textTemplate, type TextTemplate } from "../tasks/templates.js";
import type { Policy, Problem } from "../types.js";
import { evalDefaultsFromCheckpoint } from "../eval/checkpoint-defaults.js";

/** Bad command-line input, with the fix in the message. */
export class InferenceCliError extends Error {
  override readonly name = "InferenceCliError";
}

/** Shared flag helper (also used by cli/route.ts). */
export function int(flag: string, v: string | undefined, def: number, min = 0): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InferenceCliError(`${flag} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
}

/** Shared flag helper (also used by cli/route.ts). */
export function float(flag: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InferenceCliError(`${flag} must be a number ≥ 0, got "${v}"`);
  return n;
}

/** "0,32,256" → [0, 32, 256] ("inf" allowed). */
export function parseBudgets(spec: string | undefined): number[] {
  if (spec === undefined || spec.trim() === "") return [];
  return spec.split(",").map((s) => {
    const t = s.trim();
    const b = t === "inf" ? Infinity : Number(t);
    if (!(b >= 0) || (Number.isFinite(b) && !Number.isInteger(b))) throw new InferenceCliError(`--budgets takes whole token counts like 0,32,256; "${t}" is not one`);
    return b;
  });
}

function strategyOf(v: string | undefined): StrategyName {
  const s = v ?? "single";
  if (s !== "single" && s !== "majority" && s !== "best-of-n") throw new InferenceCliError(`--strategy must be single, majority or best-of-n, got "${s}"`);
  return s;
}

/** Shared flag helper (also used by cli/route.ts). */
export function templateOf(spec: string | undefined): TextTemplate {
  const name = spec ?? "compact";
  if (name.includes("{prompt}")) return textTemplate(name);
  const t = getTemplate(name);
  if (t.kind !== "text") throw new InferenceCliError(`template "${name}" is a chat template: for chat endpoints pass --api chat and a text template such as compact`);
  return t;
}

/** Shared flag helper (also used by cli/route.ts). */
export function backendOptions(o: { api?: string; concurrency?: string; model?: string; reasoningEffort?: string }, modelName?: string): OpenPolicyOptions {
  if (o.api !== undefined && o.api !== "chat" && o.api !== "completions") throw new InferenceCliError(`--api must be completions or chat, got "${o.api}"`);
  const effort = o.reasoningEffort;
  if (effort !== undefined && !isEffortLevel(effort)) throw new InferenceCliError(`--reasoning-effort must be one of ${EFFORT_LEVELS.join(", ")}, got "${effort}"`);
  if (effort !== undefined && o.api !== "chat") throw new InferenceCliError("--reasoning-effort is a chat API setting: add --api chat (or use --budgets for budget forcing over raw completions)");
  return { model: modelName, api: o.api as "chat" | "completions" | undefined, concurrency: int("--concurrency", o.concurrency, 16, 1), reasoningEffort: effort };
}

interface EvalFlags {
  model?: string; endpoint?: string; task?: string; n?: string; k?: string; budgets?: string; strategy?: string;
  seed?: string; json?: boolean; printPrompts?: boolean; difficulty?: string; template?: string; maxTokens?: string;
  temperature?: string; api?: string; report?: string; out?: string; waits?: string; waitText?: string; cue?: string; budgetSamples?: string;
  concurrency?: string; split?: string; dataDir?: string; format?: string; reasoningEffort?: string; chatTemplate?: string;
}

async function evalPolicy(f: EvalFlags): Promise<Policy> {
  if (f.endpoint) {
    if (!isEndpoint(f.endpoint)) throw new InferenceCliError(`--endpoint must be an http(s) URL like http://127.0.0.1:8000/v1, got "${f.endpoint}"`);
    return openPolicy(f.endpoint, backendOptions(f, f.model));
  }
  if (!f.model) throw new InferenceCliError("pass --model DIR (a checkpoint folder) or --endpoint URL (an OpenAI-compatible server)");
  return openPolicy(f.model, backendOptions(f));
}

async function runEval(f: EvalFlags): Promise<void> {
  const fromCheckpoint = await evalDefaultsFromCheckpoint(f.endpoint ? undefined : f.model, f);
  Object.assign(f, fromCheckpoint.settings);
  if (fromCheckpoint.note) process.stderr.write(`eval: ${fromCheckpoint.note}\n`);
  const seed = int("--seed", f.seed, 0);
  const template = templateOf(f.template);
  const problems = await buildProblems({
    task: f.task ?? DEFAULT_EVAL_TASK, n: int("--n", f.n, 20, 1), seed, difficulty: f.difficulty,
    format: f.format, split: f.split, dataDir: f.dataDir,
  });
  // --chat-template: the model's chat template applied here, the rendered text sent as a raw prompt
  const chat = f.chatTemplate ? await loadChatPrompt(f.chatTemplate) : undefined;
  const prompt = (p: Problem) => (chat ? chat(renderPrompt(p, template)) : renderPrompt(p, template));
  if (f.printPrompts) {
    for (const p of problems) {
      const text = prompt(p);
      process.stdout.write(`${text.includes("\n") ? JSON.stringify(text) : text}\n`);
    }
    return;
  }
  const budgets = parseBudgets(f.budgets);
  if (budgets.length > 0 && f.api === "chat") {
    throw new InferenceCliError("--budgets needs raw completions (budget forcing continues the text): drop --api chat, or use --reasoning-effort with chat");
  }
  const policy = await evalPolicy(f);
  const tty = process.stderr.isTTY && !f.json;
  try {
    const report = await evaluate(policy, problems, {
      k: int("--k", f.k, 8, 1), budgets, strategy: strategyOf(f.strategy), seed,
      temperature: float("--temperature", f.temperature, 1), maxTokens: int("--max-tokens", f.maxTokens, 256, 1),
      template: prompt, budgetSamples: f.budgetSamples === undefined ? undefined : int("--budget-samples", f.budgetSamples, 1, 1),
      budgetForcing: { waits: int("--waits", f.waits, 0), waitText: f.waitText, cue: f.cue },
      ...(chat && { tags: chat.tags }),
      scorer: publicTestScoring(problems),
      onProgress: tty ? (phase, d, t) => process.stderr.write(`\r${phase}: ${d}/${t} problems   `) : undefined,
    });
    if (tty) process.stderr.write("\n");
    const out = { task: f.task ?? DEFAULT_EVAL_TASK, template: template.name, ...report };
    if (f.out) await writeFileAtomic(f.out, JSON.stringify(out, null, 2) + "\n");
    if (f.report) await writeFileAtomic(f.report, renderEvalHtml(report, `scratchpad eval: ${out.task}`));
    process.stdout.write(f.json ? JSON.stringify(out) + "\n" : summary(report));
  } finally {
    await policy.close?.();
  }
}

/** Best-of-N on code problems ranks samples by their public tests; other tasks use log-probabilities. */
function publicTestScoring(problems: Problem[]): ((p: Problem, c: { text: string }) => Promise<number>) | undefined {
  const pub = new Map(problems.map((p) => [p.id, publicTestProblem(p)]));
  if (![...pub.values()].some((x) => x !== null)) return undefined;
  return async (p, c) => {
    const q = pub.get(p.id);
    if (!q) return 0;
    const v = await q.verifier.verify(c.text, q);
    return v.score ?? (v.correct ? 1 : 0);
  };
}

function summary(r: EvalReport): string {
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${r.policy}: ${r.n_problems} problems, k=${r.k}, strategy ${r.strategy}`,
    `pass@1 ${p(r["pass@1"])} [${p(r.ci["pass@1"].lo)}, ${p(r.ci["pass@1"].hi)}]  maj@${r.k} ${p(r["maj@k"])}  pass@${r.k} ${p(r["pass@k"])}  thinking ${r.mean_thinking_tokens.toFixed(1)} tokens`,
    "difficulty  pass@1   maj@k    thinking",
    ...r.by_difficulty.map((d) => `${String(d.difficulty ?? "-").padStart(10)}  ${p(d["pass@1"]).padStart(6)}  ${p(d["maj@k"]).padStart(6)}  ${d.mean_thinking_tokens.toFixed(1).padStart(8)}`),
  ];
  if (r.budgets.length > 0) {
    lines.push("budget      accuracy thinking forced");
    for (const b of r.budgets) lines.push(`${String(b.budget).padStart(6)}  ${p(b.accuracy).padStart(11)}  ${b.mean_thinking_tokens.toFixed(1).padStart(7)}  ${p(b.forced_rate).padStart(6)}`);
  }
  return lines.join("\n") + "\n";
}

interface ServeFlags {
  model: string; port?: string; host?: string; name?: string; maxSlots?: string; template?: string;
  effortBudgets?: string; maxTokens?: string; maxQueue?: string; allowedOrigins?: string; apiKey?: string;
}

/** `--allowed-origins`: a JSON list as vLLM takes it ('["http://localhost:3000"]') or a comma-separated list. */
function originsOf(spec: string | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  const t = spec.trim();
  if (t.startsWith("[")) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      v = undefined;
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw new InferenceCliError(`--allowed-origins takes a JSON list of origins like '["http://localhost:3000"]' or a comma-separated list, got ${spec}`);
    return v as string[];
  }
  return t === "" ? [] : t.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

async function runServe(f: ServeFlags): Promise<void> {
  const ck = await loadCheckpoint(f.model, { optimizer: false });
  const batcher = new ContinuousBatcher({ model: ck.model, tokenizer: ck.tokenizer, maxSlots: int("--max-slots", f.maxSlots, 64, 1) });
  const server = await startServer({
    backend: batcher, modelName: f.name ?? path.basename(path.resolve(f.model)),
    port: int("--port", f.port, 8000), host: f.host ?? "127.0.0.1",
    chatTemplate: templateFromString(f.template ?? "{prompt}"),
    effortBudgets: f.effortBudgets ? parseEffortBudgets(f.effortBudgets) : {},
    defaultMaxTokens: int("--max-tokens", f.maxTokens, 256, 1), maxQueue: int("--max-queue", f.maxQueue, 1024, 1),
    allowedOrigins: originsOf(f.allowedOrigins), apiKey: f.apiKey ?? process.env.SCRATCHPAD_API_KEY,
  });
  process.stderr.write(`scratchpad serve: ${f.model} as "${f.name ?? path.basename(path.resolve(f.model))}" on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => { void server.close().then(() => batcher.close()).then(resolve); };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** Register `eval` and `serve` (`route` is in cli/route.ts). */
export function registerInferenceCommands(program: Command): void {
  program.command("eval")
    .description("evaluate a model: pass@1, maj@k, pass@k with CIs, per difficulty, and accuracy against thinking budgets")
    .option("--model <dir|name>", "checkpoint folder (embedded engine), or the model name on --endpoint")
    .option("--endpoint <url>", "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    .option("--task <name>", `procedural task or dataset (default ${DEFAULT_EVAL_TASK})`)
    .option("--n <n>", "problems per difficulty level (datasets: problems in all)", "20")
    .option("--k <k>", "samples per problem", "8")
    .option("--budgets <list>", "thinking budgets for budget forcing, e.g. 0,8,32,128")
    .option("--strategy <name>", "majority | best-of-n | single (what `accuracy` reports)", "single")
    .option("--seed <s>", "seed of problems and sampling", "0")
    .option("--json", "print the report as JSON")
    .option("--print-prompts", "print the prompts it would send, one per line, and exit")
    .option("--difficulty <levels>", "difficulty levels, e.g. 1-6 or 1,3,5")
    .option("--template <name|text>", "prompt template (compact, compact-think, r1-zero, or text with {prompt})")
    .option("--format <name>", "the task's prompt format")
    .option("--max-tokens <n>", "maximum tokens per completion", "256")
    .option("--temperature <t>", "sampling temperature", "1")
    .option("--budget-samples <n>", "samples per problem at each budget (default k)")
    .option("--waits <n>", "budget forcing: replace an early end of thinking with \"Wait\" up to n times", "0")
    .option("--wait-text <text>", "budget forcing: the text that replaces an early end of thinking (default \"Wait\")")
    .option("--cue <text>", "budget forcing: text after the forced end of thinking (e.g. \"Final Answer:\")")
    .option("--api <kind>", "endpoint API: completions (raw prompts, default) or chat")
    .option("--chat-template <file>", "apply the model's chat template client-side (.jinja, tokenizer_config.json or a model folder) and send raw completions")
    .option("--reasoning-effort <level>", "chat endpoints: reasoning_effort (none, minimal, low, medium, high)")
    .option("--concurrency <n>", "endpoint requests in flight", "16")
    .option("--split <name>", "dataset split")
    .option("--data-dir <dir>", "benchmark data folder")
    .option("--report <file>", "write an HTML report with plots")
    .option("--out <file>", "write the JSON report to a file")
    .action((f: EvalFlags) => runEval(f));

  program.command("serve")
    .description("serve a checkpoint with an OpenAI-compatible API (continuous batching)")
    .requiredOption("--model <dir>", "checkpoint folder")
    .option("--port <p>", "port (0 = any free port)", "8000")
    .option("--host <h>", "interface to listen on", "127.0.0.1")
    .option("--name <name>", "model name in the API (default: the folder's name)")
    .option("--max-slots <n>", "sequences decoded together", "64")
    .option("--template <text>", "chat template with {prompt} for the last user message", "{prompt}")
    .option("--effort-budgets <spec>", "reasoning_effort budgets, e.g. none=0,low=16,medium=64,high=inf")
    .option("--max-tokens <n>", "default max tokens per request", "256")
    .option("--max-queue <n>", "requests beyond which new ones get 429", "1024")
    .option("--allowed-origins <list>", "origins browsers may call from: a JSON list or comma-separated (default [\"*\"]: any)")
    .option("--api-key <key>", "require 'Authorization: Bearer KEY' on /v1 requests (default $SCRATCHPAD_API_KEY)")
    .action((f: ServeFlags) => runServe(f));
}
