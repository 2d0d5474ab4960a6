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
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { isEndpoint, openPolicy, type OpenPolicyOptions } from "../backends/index.js";
import { DEFAULT_CONCURRENCY } from "../backends/openai.js";
import { loadChatPrompt } from "../backends/chat-prompt.js";
import { writeOutputFile } from "../core/atomic.js";
import { loadCheckpoint } from "../engine/checkpoint.js";
import { EVAL_DEFAULTS, evaluate, type EvalReport } from "../eval/evaluate.js";
import { buildProblems, PROBLEM_SET_DEFAULTS } from "../eval/problems.js";
import { renderEvalHtml } from "../eval/report.js";
import { publicTestProblem } from "../scale/publicTests.js";
import { EFFORT_LEVELS, isEffortLevel, parseEffortBudgets } from "../scale/effort.js";
import { ContinuousBatcher, DEFAULT_MAX_SLOTS } from "../serve/batcher.js";
import type { ServeBackend } from "../serve/backend.js";
import { PolicyBackend, RoutingBackend } from "../serve/routing-backend.js";
import { loadRouter } from "../scale/routing/saved.js";
import { withBudget } from "../scale/budget.js";
import { compose, selfConsistency } from "../scale/strategies.js";
import { templateFromString, type ChatTemplate } from "../serve/context.js";
import { isGgufPath, LlamaCppPolicy } from "../backends/llama-cpp.js";
import { SERVE_DEFAULTS, startServer } from "../serve/server.js";
import { getTemplate, renderPrompt, textTemplate, type TextTemplate } from "../tasks/templates.js";
import type { Policy, Problem } from "../types.js";
import { evalDefaultsFromCheckpoint } from "../eval/checkpoint-defaults.js";
import { ScratchpadError } from "../core/errors.js";

/** Bad command-line input, with the fix in the message. */
export class InferenceCliError extends ScratchpadError {
  constructor(message: string) {
    super("inference_cli", message);
  }
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
    if (!(b >= 0) || (Number.isFinite(b) && !Number.isInteger(b)))
      throw new InferenceCliError(`--budgets takes whole token counts like 0,32,256; "${t}" is not one`);
    return b;
  });
}

/** Shared flag helper (also used by cli/route.ts). */
export function templateOf(spec: string | undefined): TextTemplate {
  const name = spec ?? "compact";
  if (name.includes("{prompt}")) return textTemplate(name);
  const t = getTemplate(name);
  if (t.kind !== "text")
    throw new InferenceCliError(`template "${name}" is a chat template: for chat endpoints pass --api chat and a text template such as compact`);
  return t;
}

/** Shared flag helper (also used by cli/route.ts). */
export function backendOptions(
  o: { api?: string; concurrency?: string | number; model?: string; reasoningEffort?: string },
  modelName?: string,
): OpenPolicyOptions {
  if (o.api !== undefined && o.api !== "chat" && o.api !== "completions") throw new InferenceCliError(`--api must be completions or chat, got "${o.api}"`);
  const effort = o.reasoningEffort;
  if (effort !== undefined && !isEffortLevel(effort))
    throw new InferenceCliError(`--reasoning-effort must be one of ${EFFORT_LEVELS.join(", ")}, got "${effort}"`);
  if (effort !== undefined && o.api !== "chat")
    throw new InferenceCliError("--reasoning-effort is a chat API setting: add --api chat (or use --budgets for budget forcing over raw completions)");
  return {
    model: modelName,
    api: o.api,
    concurrency: int("--concurrency", o.concurrency === undefined ? undefined : String(o.concurrency), DEFAULT_CONCURRENCY, 1),
    reasoningEffort: effort,
  };
}

const int_ = () => z.number().int();

/** A thinking budget in tokens, or "inf". */
const budget = z.union([int_().min(0), z.literal("inf").transform(() => Infinity)]);

/** `scratchpad eval`'s options. Unset ones take the library's defaults (EVAL_DEFAULTS, PROBLEM_SET_DEFAULTS) or the checkpoint's. */
export const EvalCliSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "checkpoint folder (embedded engine), a .gguf file, or the model name on --endpoint", arg: "dir|name" }),
    endpoint: z.string().min(1).optional().meta({ description: "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1", arg: "url" }),
    task: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "procedural task or dataset", arg: "name", defaultText: `the checkpoint's training task, else ${PROBLEM_SET_DEFAULTS.task}` }),
    n: int_()
      .min(1)
      .optional()
      .meta({ description: "problems per difficulty level (datasets: problems in all)", defaultText: String(PROBLEM_SET_DEFAULTS.n) }),
    k: int_()
      .min(1)
      .optional()
      .meta({ description: "samples per problem", arg: "k", defaultText: String(EVAL_DEFAULTS.k) }),
    budgets: z.array(budget).optional().meta({
      description: "thinking budgets for budget forcing, e.g. 0,8,32,128 (inf: no budget)",
      arg: "list",
      list: "comma",
      message: "takes whole token counts like 0,32,256 (or inf)",
    }),
    strategy: z
      .enum(["single", "majority", "best-of-n"])
      .optional()
      .meta({ description: "what `accuracy` reports", arg: "name", defaultText: EVAL_DEFAULTS.strategy, message: "must be single, majority or best-of-n" }),
    seed: int_()
      .min(0)
      .optional()
      .meta({ description: "seed of problems and sampling", arg: "s", defaultText: String(EVAL_DEFAULTS.seed) }),
    json: z.boolean().default(false).meta({ description: "print the report as JSON" }),
    printPrompts: z.boolean().default(false).meta({ description: "print the prompts it would send, one per line, and exit" }),
    difficulty: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "difficulty levels, e.g. 1-6 or 1,3,5", arg: "levels", defaultText: "the checkpoint's training range, else the task's lowest six" }),
    template: z.string().min(1).optional().meta({
      description: "prompt template (compact, compact-think, r1-zero, or text with {prompt})",
      arg: "name|text",
      defaultText: "the checkpoint's, else compact",
    }),
    format: z.string().min(1).optional().meta({ description: "the task's prompt format", arg: "name" }),
    maxTokens: int_()
      .min(1)
      .optional()
      .meta({ description: "maximum tokens per completion", defaultText: String(EVAL_DEFAULTS.maxTokens) }),
    temperature: z
      .number()
      .min(0)
      .optional()
      .meta({ description: "sampling temperature", arg: "t", defaultText: String(EVAL_DEFAULTS.temperature) }),
    budgetSamples: int_().min(1).optional().meta({ description: "samples per problem at each budget", defaultText: "k" }),
    waits: int_().min(0).optional().meta({ description: 'budget forcing: replace an early end of thinking with "Wait" up to n times', defaultText: "0" }),
    waitText: z.string().optional().meta({ description: "budget forcing: the text that replaces an early end of thinking", arg: "text", defaultText: "Wait" }),
    cue: z.string().optional().meta({ description: 'budget forcing: text after the forced end of thinking (e.g. "Final Answer:")', arg: "text" }),
    api: z
      .enum(["completions", "chat"])
      .optional()
      .meta({ description: "endpoint API: completions (raw prompts) or chat", arg: "kind", defaultText: "completions" }),
    chatTemplate: z.string().min(1).optional().meta({
      description: "apply the model's chat template client-side (.jinja, tokenizer_config.json or a model folder) and send raw completions",
      arg: "file",
    }),
    reasoningEffort: z.enum(EFFORT_LEVELS).optional().meta({ description: "chat endpoints: reasoning_effort", arg: "level" }),
    concurrency: int_().min(1).default(DEFAULT_CONCURRENCY).meta({ description: "endpoint requests in flight" }),
    split: z.string().min(1).optional().meta({ description: "dataset split", arg: "name" }),
    dataDir: z.string().min(1).optional().meta({ description: "benchmark data folder", arg: "dir" }),
    report: z.string().min(1).optional().meta({ description: "write an HTML report with plots", arg: "file" }),
    out: z.string().min(1).optional().meta({ description: "write the JSON report to a file", arg: "file" }),
  })
  .strict();

type EvalFlags = z.output<typeof EvalCliSchema>;

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
  const seed = f.seed;
  const template = templateOf(f.template);
  const problems = await buildProblems({
    task: f.task,
    n: f.n,
    seed,
    difficulty: f.difficulty,
    format: f.format,
    split: f.split,
    dataDir: f.dataDir,
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
  const budgets = f.budgets ?? [];
  if (budgets.length > 0 && f.api === "chat") {
    throw new InferenceCliError("--budgets needs raw completions (budget forcing continues the text): drop --api chat, or use --reasoning-effort with chat");
  }
  const policy = await evalPolicy(f);
  const tty = process.stderr.isTTY && !f.json;
  try {
    const report = await evaluate(policy, problems, {
      k: f.k,
      budgets,
      strategy: f.strategy,
      seed,
      temperature: f.temperature,
      maxTokens: f.maxTokens,
      template: prompt,
      budgetSamples: f.budgetSamples,
      budgetForcing: { waits: f.waits, waitText: f.waitText, cue: f.cue },
      ...(chat && { tags: chat.tags }),
      scorer: publicTestScoring(problems),
      onProgress: tty ? (phase, d, t) => process.stderr.write(`\r${phase}: ${d}/${t} problems   `) : undefined,
    });
    if (tty) process.stderr.write("\n");
    const out = { task: f.task ?? PROBLEM_SET_DEFAULTS.task, template: template.name, ...report };
    if (f.out) await writeOutputFile(f.out, JSON.stringify(out, null, 2) + "\n");
    if (f.report) await writeOutputFile(f.report, renderEvalHtml(report, `scratchpad eval: ${out.task}`));
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
    ...r.by_difficulty.map(
      (d) =>
        `${String(d.difficulty ?? "-").padStart(10)}  ${p(d["pass@1"]).padStart(6)}  ${p(d["maj@k"]).padStart(6)}  ${d.mean_thinking_tokens.toFixed(1).padStart(8)}`,
    ),
  ];
  if (r.budgets.length > 0) {
    lines.push("budget      accuracy thinking forced");
    for (const b of r.budgets)
      lines.push(
        `${String(b.budget).padStart(6)}  ${p(b.accuracy).padStart(11)}  ${b.mean_thinking_tokens.toFixed(1).padStart(7)}  ${p(b.forced_rate).padStart(6)}`,
      );
  }
  return lines.join("\n") + "\n";
}

/** `scratchpad serve`'s options. */
export const ServeCliSchema = z
  .object({
    model: z.string().min(1).optional().meta({ description: "checkpoint folder or .gguf file (or --router with --cheap and --strong)", arg: "dir|file" }),
    router: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "a router file from `scratchpad route --save-router`: front --cheap and --strong with it", arg: "file" }),
    cheap: z.string().min(1).optional().meta({ description: "with --router: the cheap option (checkpoint folder or server URL)", arg: "dir|url" }),
    strong: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "with --router: the strong option(s), comma-separated when the router has several", arg: "dir|url" }),
    port: int_().min(0).max(65535).default(SERVE_DEFAULTS.port).meta({ description: "port (0 = any free port)", arg: "p" }),
    host: z.string().min(1).default(SERVE_DEFAULTS.host).meta({ description: "interface to listen on", arg: "h" }),
    name: z.string().min(1).optional().meta({ description: "model name in the API", arg: "name", defaultText: "the folder's name" }),
    maxSlots: int_().min(1).default(DEFAULT_MAX_SLOTS).meta({ description: "sequences decoded together" }),
    template: z.string().min(1).default("{prompt}").meta({ description: "chat template with {prompt} for the last user message", arg: "text" }),
    effortBudgets: z.string().optional().meta({ description: "reasoning_effort budgets, e.g. none=0,low=16,medium=64,high=inf", arg: "spec" }),
    maxTokens: int_().min(1).default(SERVE_DEFAULTS.defaultMaxTokens).meta({ description: "default max tokens per request" }),
    maxQueue: int_().min(1).default(SERVE_DEFAULTS.maxQueue).meta({ description: "requests beyond which new ones get 429" }),
    allowedOrigins: z
      .string()
      .optional()
      .meta({ description: "origins browsers may call from: a JSON list or comma-separated", arg: "list", defaultText: '["*"]: any' }),
    apiKey: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "require 'Authorization: Bearer KEY' on /v1 requests", arg: "key", defaultText: "$SCRATCHPAD_API_KEY" }),
  })
  .strict();

type ServeFlags = z.output<typeof ServeCliSchema>;

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
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      throw new InferenceCliError(`--allowed-origins takes a JSON list of origins like '["http://localhost:3000"]' or a comma-separated list, got ${spec}`);
    return v;
  }
  return t === ""
    ? []
    : t
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
}

/** The backend `serve` fronts: one checkpoint, or a router over several checkpoints or servers. */
async function serveBackend(f: ServeFlags): Promise<{ backend: ServeBackend; label: string; chatTemplate?: ChatTemplate }> {
  if (f.model !== undefined && f.router === undefined && isGgufPath(f.model)) {
    // a GGUF on llama.cpp, prompted with its own chat template
    const gguf = await LlamaCppPolicy.load(f.model, { chat: false, parallel: Math.min(f.maxSlots, 16) });
    return { backend: gguf, label: `${f.model} (llama.cpp)`, chatTemplate: (messages) => gguf.renderChat(messages) };
  }
  const batcherOf = async (dir: string) => {
    const ck = await loadCheckpoint(dir, { optimizer: false });
    return new ContinuousBatcher({ model: ck.model, tokenizer: ck.tokenizer, maxSlots: f.maxSlots });
  };
  if (f.router === undefined) {
    if (f.cheap !== undefined || f.strong !== undefined)
      throw new InferenceCliError("--cheap and --strong go with --router FILE (a router from `scratchpad route --save-router FILE`)");
    if (f.model === undefined) throw new InferenceCliError("pass --model DIR (a checkpoint folder), or --router FILE --cheap A --strong B to serve a router");
    return { backend: await batcherOf(f.model), label: f.model };
  }
  if (f.model !== undefined) throw new InferenceCliError("--model and --router are two ways to serve: with --router, give the options as --cheap and --strong");
  if (f.cheap === undefined || f.strong === undefined)
    throw new InferenceCliError("--router needs --cheap A and --strong B (checkpoint folders or server URLs), in the router file's order");
  const saved = await loadRouter(f.router);
  const specs = [
    f.cheap,
    ...f.strong
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== ""),
  ];
  if (specs.length !== saved.options.length) {
    throw new InferenceCliError(
      `${f.router} routes between ${saved.options.length} options (${saved.options.map((o) => o.name).join(", ")}): give --cheap and ${saved.options.length - 1} comma-separated --strong option(s), got ${specs.length} in all`,
    );
  }
  // Each option answers as it was calibrated: the votes and thinking budget in the router file are
  // re-applied (through the Policy strategies; such an option's stream arrives as one chunk).
  const how = (k: number) => {
    const o = saved.options[k];
    return `${o.budget !== undefined ? ` budget ${o.budget}` : ""}${o.votes !== undefined && o.votes > 1 ? ` vote@${o.votes}` : ""}`;
  };
  const opened = new Map<string, ServeBackend>();
  for (const [k, spec] of specs.entries()) {
    const key = spec + how(k);
    if (opened.has(key)) continue;
    const { votes, budget } = saved.options[k];
    if ((votes !== undefined && votes > 1) || budget !== undefined) {
      const base = await openPolicy(spec, isGgufPath(spec) ? { llamaCpp: { chat: false, parallel: Math.min(f.maxSlots, 16) } } : {});
      const budgeted = budget !== undefined ? withBudget(base, { budget }) : base;
      opened.set(key, new PolicyBackend(votes !== undefined && votes > 1 ? compose(budgeted, selfConsistency({ k: votes })) : budgeted));
    } else if (isEndpoint(spec)) opened.set(key, new PolicyBackend(await openPolicy(spec)));
    else if (isGgufPath(spec)) opened.set(key, await LlamaCppPolicy.load(spec, { chat: false, parallel: Math.min(f.maxSlots, 16) }));
    else opened.set(key, await batcherOf(spec));
  }
  return {
    backend: new RoutingBackend(
      saved,
      specs.map((x, k) => opened.get(x + how(k))!),
      { names: specs },
    ),
    label: `router ${f.router} (${specs.map((x, k) => x + how(k)).join(" | ")})`,
  };
}

async function runServe(f: ServeFlags): Promise<void> {
  const { backend: batcher, label, chatTemplate } = await serveBackend(f);
  const server = await startServer({
    backend: batcher,
    modelName: f.name ?? (f.model ? path.basename(path.resolve(f.model)) : "router"),
    port: f.port,
    host: f.host,
    chatTemplate: chatTemplate && f.template === "{prompt}" ? chatTemplate : templateFromString(f.template),
    effortBudgets: f.effortBudgets ? parseEffortBudgets(f.effortBudgets) : {},
    defaultMaxTokens: f.maxTokens,
    maxQueue: f.maxQueue,
    allowedOrigins: originsOf(f.allowedOrigins),
    apiKey: f.apiKey ?? process.env.SCRATCHPAD_API_KEY,
  });
  process.stderr.write(`scratchpad serve: ${label} as "${f.name ?? (f.model ? path.basename(path.resolve(f.model)) : "router")}" on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void server
        .close()
        .then(() => batcher.close?.())
        .then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** Register `eval` and `serve` (`route` is in cli/route.ts). */
export function registerInferenceCommands(program: Command): void {
  const evalCmd = program
    .command("eval")
    .description("evaluate a model: pass@1, maj@k, pass@k with CIs, per difficulty, and accuracy against thinking budgets");
  addOptions(evalCmd, EvalCliSchema).action(() => runEval(resolveCommand<typeof EvalCliSchema>(evalCmd)));

  const serve = program.command("serve").description("serve a checkpoint with an OpenAI-compatible API (continuous batching)");
  addOptions(serve, ServeCliSchema).action(() => runServe(resolveCommand<typeof ServeCliSchema>(serve)));
}
