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
import { openPolicy } from "../backends/index.js";
import { writeFileAtomic } from "../core/atomic.js";
import { buildProblems, DEFAULT_EVAL_TASK } from "../eval/problems.js";
import { renderRouteHtml, routeSummary } from "../report/route.js";
import { withBudget } from "../scale/budget.js";
import { ROUTER_KINDS, routeExperiment, saveRouter, type OperatingTarget, type RouteOption, type RouterKind } from "../scale/routing/index.js";
import { compose, selfConsistency } from "../scale/strategies.js";
import { renderPrompt } from "../tasks/templates.js";
import type { Policy } from "../types.js";
import { backendOptions, float, InferenceCliError, int, parseBudgets, templateOf } from "./inference.js";

interface RouteFlags {
  cheap: string; strong: string; task?: string; n?: string; seed?: string; json?: boolean; cheapBudget?: string;
  strongBudget?: string; probes?: string; tolerance?: string; difficulty?: string; template?: string; maxTokens?: string;
  temperature?: string; api?: string; concurrency?: string; cheapModel?: string; strongModel?: string; confidence?: string;
  strongVotes?: string; router?: string; cheapPrice?: string; strongPrice?: string; cheapInputPrice?: string;
  strongInputPrice?: string; maxCpt?: string; saveRouter?: string; report?: string; out?: string;
}

function routerKind(v: string | undefined): RouterKind {
  const k = v ?? "prompt";
  if (!(ROUTER_KINDS as readonly string[]).includes(k)) throw new InferenceCliError(`--router must be one of ${ROUTER_KINDS.join(", ")}, got "${k}"`);
  return k as RouterKind;
}

async function runRoute(f: RouteFlags): Promise<void> {
  const seed = int("--seed", f.seed, 0);
  const n = int("--n", f.n, 20, 1);
  const kind = routerKind(f.router);
  const confidence = f.confidence ?? "agreement";
  if (confidence !== "agreement" && confidence !== "logprob") throw new InferenceCliError(`--confidence must be agreement or logprob, got "${confidence}"`);
  const strongBudgets = f.strongBudget === undefined ? [undefined] : parseBudgets(f.strongBudget);
  if (strongBudgets.length === 0) throw new InferenceCliError(`--strong-budget takes one or more budgets in tokens, e.g. 16 or 16,64; got "${f.strongBudget}"`);
  if (kind === "probe" && strongBudgets.length > 1) throw new InferenceCliError("the probe router escalates to one strong option: give one --strong-budget, or use --router prompt to choose among several");
  let target: OperatingTarget = { kind: "tolerance", tolerance: float("--tolerance", f.tolerance, 0.02) };
  if (f.maxCpt !== undefined) {
    const x = float("--max-cpt", f.maxCpt, 0.5);
    if (x > 1) throw new InferenceCliError(`--max-cpt is a share of calls between 0 and 1, got "${f.maxCpt}"`);
    if (f.tolerance !== undefined) throw new InferenceCliError("--max-cpt and --tolerance choose the operating point in two different ways: give one");
    target = { kind: "max-cpt", maxCpt: x };
  }
  const cheapPrice = float("--cheap-price", f.cheapPrice, 1);
  const strongPrice = float("--strong-price", f.strongPrice, 1);
  const template = templateOf(f.template);
  const base = { task: f.task ?? DEFAULT_EVAL_TASK, n, difficulty: f.difficulty };
  const calibration = await buildProblems({ ...base, seed: seed + 1_000_003 });
  const test = await buildProblems({ ...base, seed });
  const cheapRaw = await openPolicy(f.cheap, backendOptions(f, f.cheapModel));
  const strongRaw = f.strong === f.cheap && f.strongModel === f.cheapModel ? cheapRaw : await openPolicy(f.strong, backendOptions(f, f.strongModel));
  try {
    const cheapBudget = f.cheapBudget === undefined ? undefined : parseBudgets(f.cheapBudget);
    if (cheapBudget !== undefined && cheapBudget.length !== 1) throw new InferenceCliError(`--cheap-budget takes one budget in tokens, got "${f.cheapBudget}"`);
    const votes = int("--strong-votes", f.strongVotes, 1, 1);
    const cheap = cheapBudget ? withBudget(cheapRaw, { budget: cheapBudget[0] }) : cheapRaw;
    const policies: Policy[] = [cheap];
    const options: RouteOption[] = [{ name: `${f.cheap}${cheapBudget ? ` budget ${cheapBudget[0]}` : ""}`, outputPrice: cheapPrice, inputPrice: float("--cheap-input-price", f.cheapInputPrice, 0) }];
    for (const b of strongBudgets) {
      const budgeted = b === undefined ? strongRaw : withBudget(strongRaw, { budget: b });
      policies.push(votes > 1 ? compose(budgeted, selfConsistency({ k: votes })) : budgeted);
      options.push({
        name: `${f.strong}${b === undefined ? "" : ` budget ${b}`}${votes > 1 ? ` vote@${votes}` : ""}`,
        outputPrice: strongPrice, inputPrice: float("--strong-input-price", f.strongInputPrice, 0),
      });
    }
    const { report, saved } = await routeExperiment(policies, options, calibration, test, {
      router: kind, probes: int("--probes", f.probes, 4, 1), confidence, target, seed,
      template: (p) => renderPrompt(p, template), maxTokens: int("--max-tokens", f.maxTokens, 256, 1),
      temperature: float("--temperature", f.temperature, 1),
      onProgress: (line) => process.stderr.write(`route: ${line}\n`),
    });
    if (f.saveRouter) {
      await saveRouter(f.saveRouter, saved);
      process.stderr.write(`route: router saved to ${f.saveRouter} (serve it: scratchpad serve --router ${f.saveRouter} --cheap ${f.cheap} --strong ${f.strong})\n`);
    }
    if (f.report) await writeFileAtomic(f.report, renderRouteHtml(report));
    if (f.out) await writeFileAtomic(f.out, JSON.stringify(report, null, 1) + "\n");
    process.stdout.write(f.json ? JSON.stringify(report) + "\n" : routeSummary(report));
  } finally {
    await cheapRaw.close?.();
    if (strongRaw !== cheapRaw) await strongRaw.close?.();
  }
}

/** Register `route`. */
export function registerRouteCommand(program: Command): void {
  program.command("route")
    .description("route queries between a cheap and a strong policy: train a router, calibrate its threshold, report accuracy, cost, CPT, PGR and APGR on held-out problems")
    .requiredOption("--cheap <dir|url>", "the cheap policy (checkpoint folder or server URL)")
    .requiredOption("--strong <dir|url>", "the strong policy (checkpoint folder or server URL)")
    .option("--router <kind>", "prompt (a classifier over the prompt decides before any sampling) or probe (sample the cheap policy, escalate when unsure)", "prompt")
    .option("--cheap-price <p>", "cheap policy's price per 1M output tokens", "1")
    .option("--strong-price <p>", "strong policy's price per 1M output tokens", "1")
    .option("--cheap-input-price <p>", "cheap policy's price per 1M prompt tokens", "0")
    .option("--strong-input-price <p>", "strong policy's price per 1M prompt tokens", "0")
    .option("--max-cpt <x>", "operating point: the most accurate threshold sending at most this share of calls to the strong side (95% margin on calibration)")
    .option("--tolerance <x>", "operating point (default): the cheapest threshold within this accuracy of always-strong (95% lower bound on calibration)", "0.02")
    .option("--task <name>", `procedural task or dataset (default ${DEFAULT_EVAL_TASK})`)
    .option("--n <n>", "problems per difficulty level, for calibration and again for the test", "20")
    .option("--seed <s>", "seed of the test problems (calibration uses another)", "0")
    .option("--json", "print the report as JSON")
    .option("--out <file>", "write the JSON report to a file")
    .option("--report <file>", "write an HTML report with the frontier plots")
    .option("--save-router <file>", "save the trained router and its threshold (for scratchpad serve --router)")
    .option("--cheap-budget <n>", "thinking budget of the cheap policy (budget forcing)")
    .option("--strong-budget <list>", "thinking budget(s) of the strong policy; several (16,64) make several options for the prompt router")
    .option("--strong-votes <k>", "the strong policy answers by majority vote over k samples", "1")
    .option("--probes <n>", "probe router: cheap samples per query, whose agreement is the confidence", "4")
    .option("--confidence <how>", "probe router: agreement (vote share of the probes) or logprob (their mean token probability)", "agreement")
    .option("--difficulty <levels>", "difficulty levels, e.g. 1-5")
    .option("--template <name|text>", "prompt template (default compact)")
    .option("--max-tokens <n>", "maximum tokens per completion", "256")
    .option("--temperature <t>", "sampling temperature", "1")
    .option("--cheap-model <name>", "model name on the cheap endpoint")
    .option("--strong-model <name>", "model name on the strong endpoint")
    .option("--api <kind>", "endpoint API: completions or chat")
    .option("--concurrency <n>", "endpoint requests in flight", "16")
    .action((f: RouteFlags) => runRoute(f));
}
