/**
 * `scratchpad tasks`: list the procedural tasks and datasets, print sample problems, check a response.
 *
 *   scratchpad tasks list [--json]
 *   scratchpad tasks sample --task addition --difficulty 3 --n 5 --seed 1 [--format text] [--param k=v]
 *                           [--template r1-zero] [--trace] [--json]
 *   scratchpad tasks sample --task gsm8k --n 3 --seed 1 [--split train] [--data-dir DIR] [--json]
 *   scratchpad tasks check --task countdown --seed 1 --index 0 --response "<answer>(5-3)*7</answer>"
 *   scratchpad tasks check --task humaneval --id HumanEval/0 --response "$(cat answer.md)"
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import type { Problem } from "../types.js";
import { parseDifficulty } from "../tasks/difficulty.js";
import { InvalidTaskOptionError, UnknownTaskError } from "../tasks/errors.js";
import { getDataset, hasDataset, listDatasets } from "../tasks/loaders/datasets.js";
import { getTask, hasTask, listTasks } from "../tasks/registry.js";
import type { ParamValue } from "../tasks/task-generator.js";
import { renderPrompt } from "../tasks/templates.js";

const int = () => z.number().int();

/** The options `tasks sample` and `tasks check` share: which problems. */
const ProblemOptions = {
  task: z.string().min(1).meta({ description: "a task generator or dataset name (see `scratchpad tasks list`)", arg: "name" }),
  difficulty: z.string().optional().meta({ description: "level: N, N.5, MIN-MAX, A,B,C or LEVEL:WEIGHT,...", arg: "spec" }),
  seed: int().min(0).optional().meta({ description: "seed (generators: default 0; datasets: shuffle before taking --n, default file order)" }),
  offset: int().min(0).default(0).meta({ description: "index of the first problem" }),
  format: z.string().optional().meta({ description: "prompt format of the generator, or a template with {field} placeholders", arg: "name|template" }),
  param: z.array(z.string()).default([]).meta({ description: "generator parameter (repeatable)", arg: "name=value", repeat: true }),
  split: z.string().optional().meta({ description: "dataset split", arg: "name" }),
  dataDir: z.string().optional().meta({ description: "folder of the benchmark JSONL files (default: $SCRATCHPAD_DATA or the repository's data/)", arg: "dir" }),
};

/** `scratchpad tasks list`'s options. */
export const TasksListSchema = z
  .object({
    json: z.boolean().default(false).meta({ description: "print JSON" }),
  })
  .strict();

/** `scratchpad tasks sample`'s options. */
export const TasksSampleSchema = z
  .object({
    ...ProblemOptions,
    n: int().min(0).default(5).meta({ description: "how many problems" }),
    template: z.string().optional().meta({ description: "also render with a prompt template: r1-zero, compact, compact-think, chat, chat-boxed", arg: "name" }),
    trace: z.boolean().default(false).meta({ description: "print the worked trace where the task has one" }),
    json: z.boolean().default(false).meta({ description: "one JSON object per line" }),
  })
  .strict();

/** `scratchpad tasks check`'s options. */
export const TasksCheckSchema = z
  .object({
    ...ProblemOptions,
    index: int().min(0).default(0).meta({ description: "which problem of the sample", arg: "i" }),
    id: z.string().optional().meta({ description: "dataset problem id instead of --index (e.g. HumanEval/0, gsm8k/test/12)", arg: "id" }),
    response: z.string().meta({ description: "the model response to check", arg: "text" }),
  })
  .strict();

type SampleFlags = z.output<typeof TasksSampleSchema>;
type ProblemFlags = Omit<SampleFlags, "template" | "trace" | "json">;

function parseParams(items: string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new InvalidTaskOptionError(`--param must look like name=value, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Problems for `sample` and `check`: from a generator or a dataset. */
async function problemsFor(flags: ProblemFlags): Promise<Problem[]> {
  const { n, seed } = flags;
  if (hasTask(flags.task)) {
    return getTask(flags.task).generate(n, {
      seed: seed ?? 0,
      offset: flags.offset,
      difficulty: flags.difficulty === undefined ? undefined : parseDifficulty(flags.difficulty),
      format: flags.format,
      params: parseParams(flags.param),
    });
  }
  if (hasDataset(flags.task)) {
    if (flags.difficulty !== undefined || flags.format !== undefined || flags.param.length > 0) {
      throw new InvalidTaskOptionError(`${flags.task} is a dataset: --difficulty, --format and --param apply to generators only`);
    }
    return getDataset(flags.task).load({ limit: n, seed, split: flags.split, dataDir: flags.dataDir });
  }
  throw new UnknownTaskError(flags.task, [...listTasks().map((t) => t.name), ...listDatasets().map((d) => d.name)]);
}

function problemJson(p: Problem, flags: SampleFlags): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id, prompt: p.prompt, answer: p.answer };
  if (p.difficulty !== undefined) out.difficulty = p.difficulty;
  if (flags.template) out.rendered = renderPrompt(p, flags.template);
  out.verifier = p.verifier.name;
  out.meta = p.meta;
  return out;
}

function printProblem(p: Problem, flags: SampleFlags): void {
  const lines = [`${p.id}${p.difficulty !== undefined ? `  (difficulty ${p.difficulty})` : ""}`, `  prompt: ${p.prompt}`];
  if (flags.template) {
    const r = renderPrompt(p, flags.template);
    lines.push(`  rendered: ${typeof r === "string" ? r : JSON.stringify(r)}`);
  }
  lines.push(`  answer: ${p.answer}`);
  if (flags.trace && typeof p.meta.trace === "string") lines.push(`  trace:  ${p.meta.trace}`);
  console.log(lines.join("\n"));
}

function listCommand(flags: { json?: boolean }): void {
  const tasks = listTasks().map((t) => ({
    name: t.name,
    description: t.description,
    difficulty: t.difficulty,
    formats: t.formats,
    defaultFormat: t.defaultFormat,
    answerFormat: t.answerFormat,
    params: t.params,
    example: (({ prompt, answer }) => ({ prompt, answer }))(t.generate(1, { seed: 0 })[0]),
  }));
  const datasets = listDatasets().map(({ name, description, kind, files, splits, evalOnly, license }) => ({
    name,
    description,
    kind,
    files,
    splits,
    evalOnly,
    license,
  }));
  if (flags.json) {
    console.log(JSON.stringify({ tasks, datasets }, null, 2));
    return;
  }
  console.log("Procedural tasks (scratchpad tasks sample --task NAME --difficulty D --n N --seed S):");
  for (const t of tasks) {
    console.log(`  ${t.name.padEnd(16)} ${t.description}`);
    console.log(`  ${"".padEnd(16)} difficulty ${t.difficulty.min}-${t.difficulty.max} (default ${t.difficulty.default}): ${t.difficulty.meaning}`);
    console.log(`  ${"".padEnd(16)} e.g. ${JSON.stringify(t.example.prompt)} -> ${JSON.stringify(t.example.answer)}`);
  }
  console.log("\nDatasets (scratchpad tasks sample --task NAME --n N --seed S [--split S] [--data-dir DIR]):");
  for (const d of datasets) {
    console.log(`  ${d.name.padEnd(20)} ${d.kind.padEnd(5)} ${d.description}${d.evalOnly ? " [evaluation only]" : ""}`);
  }
}

/** Register `scratchpad tasks list|sample|check`. */
export function registerTaskCommands(program: Command): void {
  const tasks = program.command("tasks").description("Procedural tasks and benchmark datasets: list, sample, check");

  const list = tasks.command("list").description("List the procedural task generators and the datasets");
  addOptions(list, TasksListSchema).action(() => listCommand(resolveCommand<typeof TasksListSchema>(list)));

  const sample = tasks.command("sample").description("Print sample problems with their prompts and answers");
  addOptions(sample, TasksSampleSchema).action(async () => {
    const flags = resolveCommand<typeof TasksSampleSchema>(sample);
    const problems = await problemsFor(flags);
    for (const p of problems) {
      if (flags.json) console.log(JSON.stringify(problemJson(p, flags)));
      else printProblem(p, flags);
    }
  });

  const check = tasks.command("check").description("Check one response against one problem (prints the verdict as JSON)");
  addOptions(check, TasksCheckSchema).action(async () => {
    const flags = resolveCommand<typeof TasksCheckSchema>(check);
    let p: Problem | undefined;
    if (flags.id !== undefined) {
      if (!hasDataset(flags.task)) throw new InvalidTaskOptionError("--id works with datasets; for generators use --seed and --index");
      p = (await getDataset(flags.task).load({ split: flags.split, dataDir: flags.dataDir })).find((x) => x.id === flags.id);
      if (!p) throw new InvalidTaskOptionError(`no problem with id "${flags.id}" in ${flags.task}`);
    } else {
      const index = flags.index;
      const problems = await problemsFor({ ...flags, n: index + 1 });
      p = problems[index];
      if (!p) throw new InvalidTaskOptionError(`--index ${index} is past the end of ${flags.task} (${problems.length} problems)`);
    }
    const verdict = await p.verifier.verify(flags.response, p);
    console.log(JSON.stringify({ id: p.id, prompt: p.prompt, answer: p.answer, ...verdict }));
    if (!verdict.correct) process.exitCode = 1;
  });
}
