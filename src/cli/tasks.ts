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
import type { Problem } from "../types.js";
import { parseDifficulty } from "../tasks/difficulty.js";
import { InvalidTaskOptionError, UnknownTaskError } from "../tasks/errors.js";
import { getDataset, hasDataset, listDatasets } from "../tasks/loaders/datasets.js";
import { getTask, hasTask, listTasks } from "../tasks/registry.js";
import type { ParamValue } from "../tasks/task-generator.js";
import { renderPrompt } from "../tasks/templates.js";

interface SampleFlags {
  task: string;
  difficulty?: string;
  n: string;
  seed?: string;
  offset?: string;
  format?: string;
  param: string[];
  template?: string;
  trace?: boolean;
  json?: boolean;
  split?: string;
  dataDir?: string;
}

function intFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidTaskOptionError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

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
async function problemsFor(flags: SampleFlags): Promise<Problem[]> {
  const n = intFlag("--n", flags.n, 0);
  const seed = flags.seed === undefined ? undefined : intFlag("--seed", flags.seed, 0);
  if (hasTask(flags.task)) {
    return getTask(flags.task).generate(n, {
      seed: seed ?? 0,
      offset: flags.offset === undefined ? 0 : intFlag("--offset", flags.offset, 0),
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

  tasks
    .command("list")
    .description("List the procedural task generators and the datasets")
    .option("--json", "print JSON")
    .action((flags: { json?: boolean }) => listCommand(flags));

  const sampleOptions = (cmd: Command): Command =>
    cmd
      .requiredOption("--task <name>", "a task generator or dataset name (see `scratchpad tasks list`)")
      .option("--difficulty <spec>", "level: N, N.5, MIN-MAX, A,B,C or LEVEL:WEIGHT,...")
      .option("--seed <n>", "seed (generators: default 0; datasets: shuffle before taking --n, default file order)")
      .option("--offset <n>", "index of the first problem")
      .option("--format <name|template>", "prompt format of the generator, or a template with {field} placeholders")
      .option("--param <name=value>", "generator parameter (repeatable)", collect, [])
      .option("--split <name>", "dataset split")
      .option("--data-dir <dir>", "folder of the benchmark JSONL files (default: $SCRATCHPAD_DATA or ../shared/data)");

  sampleOptions(tasks.command("sample").description("Print sample problems with their prompts and answers"))
    .option("--n <n>", "how many problems", "5")
    .option("--template <name>", "also render with a prompt template: r1-zero, compact, compact-think, chat, chat-boxed")
    .option("--trace", "print the worked trace where the task has one")
    .option("--json", "one JSON object per line")
    .action(async (flags: SampleFlags) => {
      const problems = await problemsFor(flags);
      for (const p of problems) {
        if (flags.json) console.log(JSON.stringify(problemJson(p, flags)));
        else printProblem(p, flags);
      }
    });

  sampleOptions(tasks.command("check").description("Check one response against one problem (prints the verdict as JSON)"))
    .option("--index <i>", "which problem of the sample (default 0)", "0")
    .option("--id <id>", "dataset problem id instead of --index (e.g. HumanEval/0, gsm8k/test/12)")
    .requiredOption("--response <text>", "the model response to check")
    .action(async (flags: SampleFlags & { index: string; id?: string; response: string }) => {
      let p: Problem | undefined;
      if (flags.id !== undefined) {
        if (!hasDataset(flags.task)) throw new InvalidTaskOptionError("--id works with datasets; for generators use --seed and --index");
        p = (await getDataset(flags.task).load({ split: flags.split, dataDir: flags.dataDir })).find((x) => x.id === flags.id);
        if (!p) throw new InvalidTaskOptionError(`no problem with id "${flags.id}" in ${flags.task}`);
      } else {
        const index = intFlag("--index", flags.index, 0);
        const problems = await problemsFor({ ...flags, n: String(index + 1) });
        p = problems[index];
        if (!p) throw new InvalidTaskOptionError(`--index ${index} is past the end of ${flags.task} (${problems.length} problems)`);
      }
      const verdict = await p.verifier.verify(flags.response, p);
      console.log(JSON.stringify({ id: p.id, prompt: p.prompt, answer: p.answer, ...verdict }));
      if (!verdict.correct) process.exitCode = 1;
    });
}
