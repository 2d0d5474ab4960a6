// The `scratchpad verify math` command, run as a real subprocess of the built CLI.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ["bin/scratchpad.js", "verify", "math", ...args], { cwd: ROOT, input, encoding: "utf8", timeout: 60_000 });

describe("scratchpad verify math", () => {
  // dist/ is built once per run by vitest's global setup (test/global-setup.ts).
  it("--jsonl writes one verdict per line, in order, and an error line for a malformed line", () => {
    const input = [
      JSON.stringify({ gold: "\\frac{1}{2}", pred: "so \\boxed{0.5}" }),
      "{not json",
      JSON.stringify({ gold: "3" }),
      "",
      JSON.stringify({ gold: "3", pred: "\\boxed{3 \\text{ or } 4}", id: "q4" }),
      JSON.stringify({ gold: "#### 18", pred: "The answer is 18." }),
      JSON.stringify([1, 2]),
    ].join("\n");
    const r = cli(["--jsonl"], input + "\n");
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject({ correct: true, extracted: "0.5", source: "boxed" });
    expect(out[1].error).toMatch(/^line 2: not valid JSON/);
    expect(out[2].error).toMatch(/^line 3: "pred" must be a string/);
    expect(out[3]).toMatchObject({ id: "q4", correct: false, extracted: "3 \\text{ or } 4" });
    expect(out[4]).toMatchObject({ correct: true, extracted: "18" });
    expect(out[5].error).toMatch(/^line 7: expected a JSON object/);
  });

  it("--gold/--pred prints a readable verdict and sets the exit status", () => {
    const ok = cli(["--gold", "\\frac{14}{3}", "--pred", "thus $\\boxed{4\\frac23}$"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^correct: equivalent/);
    expect(ok.stdout).toMatch(/extracted: 4\\frac23 \(from boxed\)/);
    const bad = cli(["--gold", "5", "--pred", "\\boxed{\\pm 5}", "--json"]);
    expect(bad.status, bad.stderr).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ correct: false, reason: "not equivalent", extracted: "\\pm 5" });
  });

  it("names the fix when flags are missing or wrong", () => {
    const r = cli(["--gold", "5"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/give --gold and --pred/);
    expect(cli(["--gold", "5", "--pred", "5", "--timeout", "-1"]).stderr).toMatch(/--timeout must be a positive number/);
  });

  it("takes Math-Verify's options as flags and per JSONL line, and names a bad one", () => {
    expect(cli(["--gold", "\\frac13", "--pred", "\\boxed{0.333}"]).status).toBe(1);
    expect(cli(["--gold", "\\frac13", "--pred", "\\boxed{0.333}", "--float-rounding", "3"]).status).toBe(0);
    expect(cli(["--gold", "f(x)", "--pred", "\\boxed{f(y)}"]).status).toBe(1);
    expect(cli(["--gold", "f(x)", "--pred", "\\boxed{f(y)}", "--no-strict"]).status).toBe(0);
    expect(cli(["--gold", "(1,2)", "--pred", "\\boxed{1 < y < 2}", "--allow-set-relation-comp"]).status).toBe(0);
    expect(cli(["--gold", "9", "--pred", "Answer $ \n 9 \n $", "--extraction", "latex"]).status).toBe(1);
    expect(cli(["--gold", "9", "--pred", "Answer $ \n 9 \n $", "--extraction", "latex,expr"]).status).toBe(0);
    expect(cli(["--gold", "1", "--pred", "1", "--extraction", "latexx"]).stderr).toMatch(/unknown source "latexx"; use latex, expr, string/);
    expect(cli(["--gold", "1", "--pred", "1", "--float-rounding", "x"]).stderr).toMatch(/--float-rounding must be a whole number/);
    const input = [
      JSON.stringify({ gold: "\\frac13", pred: "\\boxed{0.33}" }),
      JSON.stringify({ gold: "\\frac13", pred: "\\boxed{0.33}", options: { float_rounding: 2 } }),
      JSON.stringify({
        gold: "(1,2)",
        pred: "\\boxed{1<y<2}",
        options: { float_rounding: 2, strict: false, allow_set_relation_comp: true, extraction: ["latex", "expr", "string"] },
      }),
      JSON.stringify({ gold: "1", pred: "1", options: { float_rouding: 2 } }),
      JSON.stringify({ gold: "1", pred: "1", options: { strict: "yes" } }),
    ].join("\n");
    const out = cli(["--jsonl"], input + "\n")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.correct)).toEqual([false, true, true, undefined, undefined]);
    expect(out[3].error).toMatch(/^line 4: unknown option "float_rouding"/);
    expect(out[4].error).toMatch(/^line 5: strict must be true or false/);
  });

  it("--boxed-match-priority and --extraction-mode (Math-Verify's parse options) apply with --extraction, per line too", () => {
    const pred = "So \\boxed{4}. The final answer is 3";
    const base = ["--gold", "4", "--pred", pred, "--extraction", "latex,expr"];
    expect(cli(base).status).toBe(1);
    expect(cli([...base, "--boxed-match-priority", "0"]).status).toBe(0);
    expect(cli(["--gold", "4", "--pred", "$\\boxed{2x+}$, so the answer is 4", "--extraction", "latex,expr", "--extraction-mode", "first_match"]).status).toBe(
      1,
    );
    expect(cli(["--gold", "4", "--pred", "$\\boxed{2x+}$, so the answer is 4", "--extraction", "latex,expr", "--extraction-mode", "any_match"]).status).toBe(0);
    expect(cli(["--gold", "4", "--pred", pred, "--boxed-match-priority", "0"]).stderr).toMatch(
      /--boxed-match-priority applies with Math-Verify's extraction targets; pass extraction: \["latex", "expr"\] with it \(CLI: --extraction latex,expr/,
    );
    expect(cli([...base, "--boxed-match-priority", "-2"]).stderr).toMatch(/--boxed-match-priority must be a whole number from -1 up/);
    expect(cli([...base, "--extraction-mode", "first"]).stderr).toMatch(/--extraction-mode must be one of any_match, first_match/);
    const input = [
      JSON.stringify({ gold: "4", pred, options: { extraction: ["latex", "expr"], boxed_match_priority: 0 } }),
      JSON.stringify({ gold: "4", pred, options: { extraction: ["latex", "expr"], boxedMatchPriority: -1 } }),
      JSON.stringify({ gold: "4", pred, options: { boxed_match_priority: 0 } }),
      JSON.stringify({ gold: "4", pred, options: { extraction: ["latex"], extraction_mode: "first" } }),
    ].join("\n");
    const out = cli(["--jsonl"], input + "\n")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.correct)).toEqual([true, false, undefined, undefined]);
    expect(out[2].error).toMatch(/^line 3: boxed_match_priority applies with Math-Verify's extraction targets/);
    expect(out[3].error).toMatch(/^line 4: extraction_mode must be "any_match" or "first_match"/);
  });

  it("--no-try-extract-without-anchor and --fallback-mode (open-r1's accuracy reward: anchored answers only), per line too", () => {
    const r1 = ["--extraction", "latex", "--boxed-match-priority", "0", "--extraction-mode", "first_match", "--no-try-extract-without-anchor"];
    expect(cli(["--gold", "$5$", "--pred", "So \\boxed{5}.", ...r1]).status).toBe(0);
    const plain = cli(["--gold", "$5$", "--pred", "We get $5$.", ...r1]);
    expect(plain.status).toBe(1);
    expect(plain.stdout).toMatch(/no answer found/);
    expect(cli(["--gold", "$5$", "--pred", "We get $5$.", "--extraction", "latex", "--try-extract-without-anchor"]).status).toBe(0);
    expect(cli(["--gold", "$\\oint f$", "--pred", "$\\oint f$", "--extraction", "latex", "--fallback-mode", "no_fallback"]).status).toBe(1);
    expect(cli(["--gold", "$\\oint f$", "--pred", "$\\oint f$", "--extraction", "latex", "--fallback-mode", "first_match"]).status).toBe(0);
    expect(cli(["--gold", "5", "--pred", "5", "--no-try-extract-without-anchor"]).stderr).toMatch(
      /--try-extract-without-anchor applies with Math-Verify's extraction targets/,
    );
    expect(cli(["--gold", "5", "--pred", "5", "--extraction", "latex", "--fallback-mode", "none"]).stderr).toMatch(
      /--fallback-mode must be one of first_match, no_fallback/,
    );
    const input = [
      JSON.stringify({ gold: "$5$", pred: "We get $5$.", options: { extraction: ["latex"], try_extract_without_anchor: false } }),
      JSON.stringify({ gold: "$5$", pred: "The answer is $5$.", options: { extraction: ["latex"], try_extract_without_anchor: false } }),
      JSON.stringify({ gold: "$5$", pred: "$5$", options: { extraction: ["latex"], fallback_mode: "never" } }),
    ].join("\n");
    const out = cli(["--jsonl"], input + "\n")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.correct)).toEqual([false, true, undefined]);
    expect(out[2].error).toMatch(/^line 3: fallback_mode must be "first_match" or "no_fallback"/);
  });

  it("a restated integral is wrong unless --evaluate-answer-operators (or the line's option) asks for Math-Verify's behaviour", () => {
    const line = JSON.stringify({ gold: "e-1", pred: "\\boxed{\\int_0^1 e^x dx}" });
    const withOption = JSON.stringify({ gold: "e-1", pred: "\\boxed{\\int_0^1 e^x dx}", options: { evaluate_answer_operators: true } });
    const out = cli(["--jsonl"], `${line}\n${withOption}\n`)
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { correct: boolean; reason: string });
    expect(out.map((o) => o.correct)).toEqual([false, true]);
    expect(out[0].reason).toMatch(/leaves an integral unevaluated/);
    const flagged = cli(["--evaluate-answer-operators", "--jsonl"], `${line}\n`);
    expect((JSON.parse(flagged.stdout) as { correct: boolean }).correct).toBe(true);
  });
});
