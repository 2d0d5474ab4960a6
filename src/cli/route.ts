/**
 * `scratchpad route`: price a cheap and a strong policy (and optionally the strong one under
 * several thinking budgets), train a router on a calibration set, choose its threshold there, and
 * report on held-out problems what always-cheap, always-strong, the oracle and the router cost and
 * score (docs/inference.md, "Routing").
 *
 *   scratchpad route --cheap A --strong B [--router prompt|probe] [--cheap-price P] [--strong-price Q]
 *                    [--max-cpt X | --tolerance T] [--strong-budget 16,64] [--strong-votes K]
 *                    [--save-router FILE] [--report FILE.html] [--out FILE.json] [--json]
 */
import type { Command } from "commander";
import { z } from "zod";
import { loadChatPrompt } from "../backends/chat-prompt.js";
import { openPolicy } from "../backends/index.js";
import { DEFAULT_CONCURRENCY } from "../backends/openai.js";
import { addOptions, resolveCommand } from "../config/index.js";
import { writeOutputFile } from "../core/atomic.js";
import { EVAL_DEFAULTS } from "../eval/evaluate.js";
import { buildProblems, PROBLEM_SET_DEFAULTS } from "../eval/problems.js";
import { renderRouteHtml, routeSummary } from "../report/route.js";
import { withBudget } from "../scale/budget.js";
import { ROUTER_KINDS, routeExperiment, saveRouter, type OperatingTarget, type RouteOption } from "../scale/routing/index.js";
import { compose, selfConsistency } from "../scale/strategies.js";
import { renderPrompt } from "../tasks/templates.js";
import type { Policy } from "../types.js";
import { backendOptions, InferenceCliError, templateOf } from "./inference.js";

const int = () => z.number().int();
/** A thinking budget in tokens, or "inf". */
const budget = z.union([int().min(0), z.literal("inf").transform(() => Infinity)]);
const budgets = (description: string) =>
  z.array(budget).optional().meta({ description, arg: "list", list: "comma", message: "takes whole token counts like 16 or 16,64 (or inf)" });
const price = (description: string, d: number) => z.number().min(0).default(d).meta({ description, arg: "p" });

/** `scratchpad route`'s options (unset problem and sampling settings: the library's defaults). */
export const RouteCliSchema = z
  .object({
    cheap: z.string().min(1).meta({ description: "the cheap policy (checkpoint folder or server URL)", arg: "dir|url" }),
    strong: z.string().min(1).meta({ description: "the strong policy (checkpoint folder or server URL)", arg: "dir|url" }),
    router: z.enum(ROUTER_KINDS).default("prompt").meta({
      description: "prompt (a classifier over the prompt decides before any sampling) or probe (sample the cheap policy, escalate when unsure)",
      arg: "kind",
    }),
    cheapPrice: price("cheap policy's price per 1M output tokens", 1),
    strongPrice: price("strong policy's price per 1M output tokens", 1),
    cheapInputPrice: price("cheap policy's price per 1M prompt tokens", 0),
    strongInputPrice: price("strong policy's price per 1M prompt tokens", 0),
    maxCpt: z.number().min(0).max(1).optional().meta({
      description: "operating point: the most accurate threshold sending at most this share of calls to the strong side (95% margin on calibration)",
      arg: "x",
      message: "is a share of calls between 0 and 1",
    }),
    tolerance: z.number().min(0).optional().meta({
      description: "operating point (the default one): the cheapest threshold within this accuracy of always-strong (95% lower bound on calibration)",
      arg: "x",
      defaultText: "0.02",
    }),
    task: z.string().min(1).optional().meta({ description: "procedural task or dataset", arg: "name", defaultText: PROBLEM_SET_DEFAULTS.task }),
    n: int()
      .min(1)
      .optional()
      .meta({ description: "problems per difficulty level, for calibration and again for the test", defaultText: String(PROBLEM_SET_DEFAULTS.n) }),
    seed: int().min(0).default(PROBLEM_SET_DEFAULTS.seed).meta({ description: "seed of the test problems (calibration uses another)", arg: "s" }),
    json: z.boolean().default(false).meta({ description: "print the report as JSON" }),
    out: z.string().min(1).optional().meta({ description: "write the JSON report to a file", arg: "file" }),
    report: z.string().min(1).optional().meta({ description: "write an HTML report with the frontier plots", arg: "file" }),
    saveRouter: z.string().min(1).optional().meta({ description: "save the trained router and its threshold (for scratchpad serve --router)", arg: "file" }),
    cheapBudget: budgets("thinking budget of the cheap policy (budget forcing)"),
    strongBudget: budgets("thinking budget(s) of the strong policy; several (16,64) make several options for the prompt router"),
    strongVotes: int().min(1).default(1).meta({ description: "the strong policy answers by majority vote over k samples", arg: "k" }),
    probes: int().min(1).default(4).meta({ description: "probe router: cheap samples per query, whose agreement is the confidence" }),
    confidence: z
      .enum(["agreement", "logprob"])
      .default("agreement")
      .meta({ description: "probe router: agreement (vote share of the probes) or logprob (their mean token probability)", arg: "how" }),
    boundSamples: int().min(0).default(0).meta({
      description:
        "prompt oracle: k more samples per test problem and option measure each prompt's success rates; the report adds a router that knows them (the best a prompt-only router can expect)",
      arg: "k",
    }),
    difficulty: z.string().min(1).optional().meta({ description: "difficulty levels, e.g. 1-5", arg: "levels" }),
    template: z.string().min(1).optional().meta({ description: "prompt template", arg: "name|text", defaultText: "compact" }),
    chatTemplate: z.string().min(1).optional().meta({
      description: "apply the model's chat template client-side (.jinja, tokenizer_config.json or a model folder) and send raw completions",
      arg: "file",
    }),
    maxTokens: int().min(1).default(EVAL_DEFAULTS.maxTokens).meta({ description: "maximum tokens per completion" }),
    temperature: z.number().min(0).default(EVAL_DEFAULTS.temperature).meta({ description: "sampling temperature", arg: "t" }),
    cheapTemperature: z
      .number()
      .min(0)
      .optional()
      .meta({ description: "the cheap policy's sampling temperature (0 = greedy)", arg: "t", defaultText: "--temperature" }),
    strongTemperature: z.number().min(0).optional().meta({ description: "the strong policy's sampling temperature", arg: "t", defaultText: "--temperature" }),
    cheapModel: z.string().min(1).optional().meta({ description: "model name on the cheap endpoint", arg: "name" }),
    strongModel: z.string().min(1).optional().meta({ description: "model name on the strong endpoint", arg: "name" }),
    api: z.enum(["completions", "chat"]).optional().meta({ description: "endpoint API: completions or chat", arg: "kind" }),
    concurrency: int().min(1).default(DEFAULT_CONCURRENCY).meta({ description: "endpoint requests in flight" }),
  })
  .strict();

type RouteFlags = z.output<typeof RouteCliSchema>;

async function runRoute(f: RouteFlags): Promise<void> {
  const { seed, n } = f;
  const kind = f.router;
  const confidence = f.confidence;
  const strongBudgets = f.strongBudget ?? [undefined];
  if (strongBudgets.length === 0) throw new InferenceCliError("--strong-budget takes one or more budgets in tokens, e.g. 16 or 16,64");
  if (kind === "probe" && strongBudgets.length > 1)
    throw new InferenceCliError("the probe router escalates to one strong option: give one --strong-budget, or use --router prompt to choose among several");
  let target: OperatingTarget = { kind: "tolerance", tolerance: f.tolerance ?? 0.02 };
  if (f.maxCpt !== undefined) {
    if (f.tolerance !== undefined) throw new InferenceCliError("--max-cpt and --tolerance choose the operating point in two different ways: give one");
    target = { kind: "max-cpt", maxCpt: f.maxCpt };
  }
  const cheapPrice = f.cheapPrice;
  const strongPrice = f.strongPrice;
  const template = templateOf(f.template);
  // --chat-template: the model's chat template applied here, the rendered text sent as a raw prompt
  const chat = f.chatTemplate ? await loadChatPrompt(f.chatTemplate) : undefined;
  const base = { task: f.task, n, difficulty: f.difficulty };
  const calibration = await buildProblems({ ...base, seed: seed + 1_000_003 });
  const test = await buildProblems({ ...base, seed });
  const cheapRaw = await openPolicy(f.cheap, backendOptions(f, f.cheapModel));
  const strongRaw = f.strong === f.cheap && f.strongModel === f.cheapModel ? cheapRaw : await openPolicy(f.strong, backendOptions(f, f.strongModel));
  try {
    const cheapBudget = f.cheapBudget;
    if (cheapBudget !== undefined && cheapBudget.length !== 1)
      throw new InferenceCliError(`--cheap-budget takes one budget in tokens, got ${cheapBudget.length}`);
    const votes = f.strongVotes;
    const cheap = cheapBudget ? withBudget(cheapRaw, { budget: cheapBudget[0] }) : cheapRaw;
    const policies: Policy[] = [cheap];
    const options: RouteOption[] = [
      { name: `${f.cheap}${cheapBudget ? ` budget ${cheapBudget[0]}` : ""}`, outputPrice: cheapPrice, inputPrice: f.cheapInputPrice, budget: cheapBudget?.[0] },
    ];
    for (const b of strongBudgets) {
      const budgeted = b === undefined ? strongRaw : withBudget(strongRaw, { budget: b });
      policies.push(votes > 1 ? compose(budgeted, selfConsistency({ k: votes })) : budgeted);
      options.push({
        name: `${f.strong}${b === undefined ? "" : ` budget ${b}`}${votes > 1 ? ` vote@${votes}` : ""}`,
        outputPrice: strongPrice,
        inputPrice: f.strongInputPrice,
        votes,
        budget: b,
      });
    }
    const { report, saved } = await routeExperiment(policies, options, calibration, test, {
      router: kind,
      probes: f.probes,
      boundSamples: f.boundSamples,
      confidence,
      target,
      seed,
      template: (p) => (chat ? chat(renderPrompt(p, template)) : renderPrompt(p, template)),
      maxTokens: f.maxTokens,
      temperature: f.temperature,
      temperatures: [f.cheapTemperature, ...strongBudgets.map(() => f.strongTemperature)],
      onProgress: (line) => process.stderr.write(`route: ${line}\n`),
    });
    if (f.saveRouter) {
      await saveRouter(f.saveRouter, saved);
      process.stderr.write(
        `route: router saved to ${f.saveRouter} (serve it: scratchpad serve --router ${f.saveRouter} --cheap ${f.cheap} --strong ${f.strong})\n`,
      );
    }
    if (f.report) await writeOutputFile(f.report, renderRouteHtml(report));
    if (f.out) await writeOutputFile(f.out, JSON.stringify(report, null, 1) + "\n");
    process.stdout.write(f.json ? JSON.stringify(report) + "\n" : routeSummary(report));
  } finally {
    await cheapRaw.close?.();
    if (strongRaw !== cheapRaw) await strongRaw.close?.();
  }
}

/** Register `route`. */
export function registerRouteCommand(program: Command): void {
  const cmd = program
    .command("route")
    .description(
      "route queries between a cheap and a strong policy: train a router, calibrate its threshold, report accuracy, cost, CPT, PGR and APGR on held-out problems",
    );
  addOptions(cmd, RouteCliSchema).action(() => runRoute(resolveCommand<typeof RouteCliSchema>(cmd)));
}
