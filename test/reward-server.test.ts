// The reward server (`scratchpad reward-server`), run as the real command on 127.0.0.1: OpenRLHF's /get_reward
// contract on chat-template queries, SandboxFusion's /run_code, /verify against `verify math|code --jsonl`
// itself, and the load rules (400 naming the field, 413 + close, 503 + Retry-After, 504 at the deadline).
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGetRewardBody } from "../src/serve/reward/get-reward.js";
import { responseFromQuery } from "../src/serve/reward/response.js";
import { verifyMathSync } from "../src/verify/math/verify.js";
import { parseRunCodeBody } from "../src/serve/reward/run-code.js";
import { health, post, scratchpadCli, startServer, waitForHealth, type ServerProcess } from "./reward-server-helpers.js";

const QWEN_PROMPT = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 6*7?<|im_end|>\n<|im_start|>assistant\n";
const LLAMA3_PROMPT = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 6*7?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
const R1_PROMPT = "<｜begin▁of▁sentence｜><｜User｜>What is 6*7? Put the answer in \\boxed{}.<｜Assistant｜><think>\n";

describe("the response inside an OpenRLHF query", () => {
  it("is what follows the prompt, cut at the first end marker", () => {
    expect(responseFromQuery(QWEN_PROMPT + "so \\boxed{42}<|im_end|><|endoftext|><|endoftext|>", QWEN_PROMPT)).toEqual({
      response: "so \\boxed{42}",
      source: "after-prompt",
      inThinking: false,
    });
    expect(responseFromQuery(LLAMA3_PROMPT + "\\boxed{42}<|eot_id|>", LLAMA3_PROMPT).response).toBe("\\boxed{42}");
    expect(responseFromQuery(R1_PROMPT + "6*7=42</think>\\boxed{42}<｜end▁of▁sentence｜>", R1_PROMPT).response).toBe("6*7=42</think>\\boxed{42}");
    expect(responseFromQuery("hi</s>", "").response).toBe("hi");
  });

  it("drops left padding and BOS before matching the prompt", () => {
    const r = responseFromQuery("<|endoftext|><|endoftext|>" + QWEN_PROMPT + "\\boxed{42}<|im_end|>", QWEN_PROMPT);
    expect(r).toEqual({ response: "\\boxed{42}", source: "after-prompt-normalised", inThinking: false });
  });

  it("falls back to the last assistant marker when the prompt does not match the decoded text", () => {
    const decoded = QWEN_PROMPT.replace("helpful assistant", "helpful Assistant") + "\\boxed{42}<|im_end|>";
    expect(responseFromQuery(decoded, QWEN_PROMPT)).toEqual({ response: "\\boxed{42}", source: "after-assistant-marker", inThinking: false });
    // a prompt that differs from the decoded text only in spaces is still found
    const spaced = QWEN_PROMPT.replace("helpful assistant", "helpful  assistant") + "\\boxed{42}<|im_end|>";
    expect(responseFromQuery(spaced, QWEN_PROMPT)).toEqual({ response: "\\boxed{42}", source: "after-prompt-normalised", inThinking: false });
  });

  it("without prompts, a plain-text template's response starts after the last 'Assistant:', so the question's numbers pay nothing", () => {
    // Before: the whole query was read, and "hmm" was paid for the $2+3$ in the question.
    const prompt = "A conversation between User and Assistant. User: The answer is $5$? Compute $2+3$.\nAssistant: <think>";
    const empty = responseFromQuery(prompt + " hmm<|endoftext|>", undefined);
    expect(empty).toEqual({ response: " <think> hmm", source: "after-assistant-marker", inThinking: false });
    expect(verifyMathSync("5", empty.response).correct).toBe(false);
    const right = responseFromQuery(prompt + "2+3 is 5</think> \\boxed{5}<|endoftext|>", undefined);
    expect(verifyMathSync("5", right.response).correct).toBe(true);
  });

  it("never reads past an end marker (text after EOS is not the answer)", () => {
    expect(responseFromQuery(QWEN_PROMPT + "\\boxed{41}<|im_end|>\\boxed{42}", QWEN_PROMPT).response).toBe("\\boxed{41}");
  });
});

describe("request validation names the field", () => {
  const param = (f: () => unknown): string | null => {
    try {
      f();
    } catch (e) {
      return (e as { param: string | null }).param;
    }
    return "no error";
  };
  it("/get_reward", () => {
    expect(param(() => parseGetRewardBody([], "auto"))).toBe("body");
    expect(param(() => parseGetRewardBody({ prompts: [], labels: [] }, "auto"))).toBe("query");
    expect(param(() => parseGetRewardBody({ query: ["a", 3], labels: ["1", "2"] }, "auto"))).toBe("query[1]");
    expect(param(() => parseGetRewardBody({ query: ["a"], prompts: ["a", "b"], labels: ["1"] }, "auto"))).toBe("prompts");
    expect(param(() => parseGetRewardBody({ query: ["a"] }, "auto"))).toBe("labels");
    expect(param(() => parseGetRewardBody({ query: ["a", "b"], labels: ["1", null] }, "auto"))).toBe("labels[1]");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: ["42"] }, "code"))).toBe("labels[0]");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: "x", language: "cobol" }] }, "auto"))).toBe("labels[0].language");
    // Limits the sandbox refuses made every answer earn 0, silently.
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: "", limits: { memoryMb: 1e9 } }] }, "auto"))).toBe("labels[0].limits.memoryMb");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: "", limits: { timeout: 5 } }] }, "auto"))).toBe("labels[0].limits.timeout");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: 5 }] }, "auto"))).toBe("labels[0].tests");
    // Code labels that can never pass made every response earn 0 with no error: a 400 naming the field.
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: "" }] }, "auto"))).toBe("labels[0].tests");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: [] }] }, "auto"))).toBe("labels[0].tests");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: [1, 2] }] }, "auto"))).toBe("labels[0].tests");
    expect(param(() => parseGetRewardBody({ query: ["a", "b"], labels: ["5", { tests: [null] }] }, "auto"))).toBe("labels[1].tests");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ inputs: [{ x: 1 }], outputs: ["1"] }] }, "auto"))).toBe("labels[0].inputs[0]");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ inputs: ["1"], outputs: [[1]] }] }, "auto"))).toBe("labels[0].outputs[0]");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ tests: [{ fn: "f", args: [1], expected: 2 }] }] }, "auto"))).toBe("no error");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: [{ inputs: ["1\n", 2], outputs: ["2\n", "3"] }] }, "auto"))).toBe("no error");
    // An integer label past 2^53 has lost digits in JSON.parse: paying against it would pay a wrong answer.
    expect(param(() => parseGetRewardBody(JSON.parse('{"query": ["a", "b"], "labels": [7, 12345678901234567890]}'), "auto"))).toBe("labels[1]");
    expect(param(() => parseGetRewardBody({ query: ["a", "b"], labels: [9007199254740991, 0.5] }, "auto"))).toBe("no error");
    expect(param(() => parseGetRewardBody({ query: ["a"], labels: ["42"] }, "math"))).toBe("no error");
  });
  it("/run_code", () => {
    expect(param(() => parseRunCodeBody({ language: "python" }))).toBe("code");
    expect(param(() => parseRunCodeBody({ code: "", language: "cobol" }))).toBe("language");
    expect(param(() => parseRunCodeBody({ code: "", language: "python", run_timeout: -1 }))).toBe("run_timeout");
    expect(param(() => parseRunCodeBody({ code: "", language: "python", run_timeout: 1e6 }))).toBe("run_timeout");
    expect(param(() => parseRunCodeBody({ code: "", language: "python", memory_limit_MB: 1.5 }))).toBe("memory_limit_MB");
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { "/etc/passwd": "" } }))).toBe('files["/etc/passwd"]');
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { "a/../../x": "" } }))).toBe('files["a/../../x"]');
    expect(param(() => parseRunCodeBody({ code: "", language: "python", fetch_files: ["ok", "../up"] }))).toBe("fetch_files[1]");
    // Files that cannot all be placed were a 500 from the file system (EEXIST / EISDIR): a 400 naming the file.
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { a: "", "a/b": "" } }))).toBe('files["a/b"]');
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { "a/b": "", a: "" } }))).toBe('files["a"]');
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { x: "", "./x": "" } }))).toBe('files["./x"]');
    expect(param(() => parseRunCodeBody({ code: "", language: "python", files: { ".": "" } }))).toBe('files["."]');
    expect(parseRunCodeBody({ code: "", language: "python", files: { "./d/x": "YQ==", "d/y": "" } }).files).toEqual([
      ["d/x", "YQ=="],
      ["d/y", ""],
    ]);
    expect(param(() => parseRunCodeBody({ code: "", language: "python", stdin: 5 }))).toBe("stdin");
    expect(param(() => parseRunCodeBody({ code: "", language: "python", memory_limit_MB: -1, files: {}, fetch_files: [] }))).toBe("no error");
  });
});

describe("scratchpad reward-server", () => {
  let s: ServerProcess;
  beforeAll(async () => {
    s = await startServer("--workers", "2");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("answers GET /health", async () => {
    const h = await health(s.url);
    expect(h).toMatchObject({ status: "ok", task: "auto", workers: 2, in_flight: 0 });
  });

  it("POST /get_reward: OpenRLHF's contract, math labels, chat-template queries", async () => {
    const cases: [string, string, unknown, number][] = [
      [QWEN_PROMPT, "<think>6*7 = 42</think>The answer is $\\boxed{42}$.<|im_end|><|endoftext|><|endoftext|>", "42", 1],
      [LLAMA3_PROMPT, "So it is \\boxed{42}.<|eot_id|>", 42, 1],
      [R1_PROMPT, "six sevens are 42</think>\n\n**Answer:** \\boxed{42}<｜end▁of▁sentence｜>", "42", 1],
      [QWEN_PROMPT, "The answer is \\boxed{48}.<|im_end|>", "42", 0],
      [QWEN_PROMPT, "\\boxed{41}<|im_end|>\\boxed{42}", "42", 0],
      [QWEN_PROMPT, "<think>it must be \\boxed{42}", "42", 0],
    ];
    const r = await post(`${s.url}/get_reward`, {
      query: cases.map(([p, resp]) => p + resp),
      prompts: cases.map(([p]) => p),
      labels: cases.map(([, , l]) => l),
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.rewards).toEqual(cases.map(([, , , want]) => want));
    expect(r.json.scores).toEqual(r.json.rewards);
    const logs = r.json.extra_logs as Record<string, number[]>;
    for (const v of Object.values(logs)) expect(v).toHaveLength(cases.length);
    expect(logs.correct).toEqual(r.json.rewards);
  });

  it("POST /get_reward: code labels (assert tests, stdin/stdout cases, a JSON string label)", async () => {
    const prompt = "<|im_start|>user\nWrite add(a, b).<|im_end|>\n<|im_start|>assistant\n";
    const good = "```python\ndef add(a, b):\n    return a + b\n```<|im_end|>";
    const bad = "```python\ndef add(a, b):\n    return a - b\n```<|im_end|>";
    const echo = "```python\nprint(int(input()) * 2)\n```<|im_end|>";
    const r = await post(`${s.url}/get_reward`, {
      query: [prompt + good, prompt + bad, prompt + echo, prompt + good],
      prompts: [prompt, prompt, prompt, prompt],
      labels: [
        { language: "python", tests: "assert add(1, 2) == 3\nassert add(-1, 1) == 0" },
        { language: "python", tests: "assert add(1, 2) == 3" },
        { inputs: ["2\n", "5\n"], outputs: ["4\n", "10\n"] },
        JSON.stringify({ tests: [{ fn: "add", args: [2, 3], expected: 5 }] }),
      ],
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.rewards).toEqual([1, 0, 1, 1]);
    expect((r.json.extra_logs as Record<string, number[]>).is_code).toEqual([1, 1, 1, 1]);
  });

  it("POST /get_reward: bad input is a 400 naming the field, OpenAI-shaped", async () => {
    const r = await post(`${s.url}/get_reward`, { query: ["a", "b"], prompts: ["a", "b"], labels: ["1"] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: "labels", type: "invalid_request_error" });
    const bad = await post(`${s.url}/get_reward`, "{not json");
    expect(bad.status).toBe(400);
    expect((bad.json.error as { code: string }).code).toBe("invalid_json");
  });

  it("POST /verify gives exactly what `verify math --jsonl` writes, in order", async () => {
    const items: unknown[] = [
      { gold: "\\frac12", pred: "so the answer is $\\boxed{0.5}$" },
      { id: "b", gold: "42", pred: "\\boxed{41}" },
      { gold: "x^2+2x+1", response: "\\boxed{(x+1)^2}" },
      { gold: 3 },
      [1, 2],
      { id: 9, gold: "\\sqrt{2}", pred: "\\boxed{\\frac{665857}{470832}}", options: { float_rounding: 6 } },
      { gold: "\\frac{2}{3}", pred: "\\boxed{0.67}", options: { float_rounding: 2 } },
      { gold: "\\frac{2}{3}", pred: "\\boxed{0.67}" },
      { gold: "1", pred: "1", options: { nonsense: 1 } },
    ];
    const r = await post(`${s.url}/verify`, { kind: "math", items });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const cli = scratchpadCli(items.map((i) => JSON.stringify(i)).join("\n") + "\n", "verify", "math", "--jsonl")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(r.json.results).toEqual(cli);
    const results = r.json.results as { correct?: boolean; error?: string }[];
    expect(results.map((x) => x.correct)).toEqual([true, false, true, undefined, undefined, false, true, false, undefined]);
    // Math-Verify's per-item options reach the verifier (float_rounding 2 accepts 0.67 for 2/3; the default does not).
    expect(results[8].error).toMatch(/^line 9: unknown option "nonsense"/);
  });

  it("POST /verify gives exactly what `verify code --jsonl` writes, in order", async () => {
    const items: unknown[] = [
      { id: 1, language: "python", code: "def f(x):\n    return x + 1", tests: "assert f(1) == 2" },
      { id: 2, language: "javascript", code: "function f(x) { return x * 2 }", tests: [{ fn: "f", args: [3], expected: 7 }] },
      {
        id: 3,
        language: "typescript",
        code: "const n: number = Number(require('fs').readFileSync(0, 'utf8')); console.log(n + 1)",
        tests: [{ input: "4", output: "5" }],
      },
      { language: "cobol", code: "x" },
      "not an object",
    ];
    const r = await post(`${s.url}/verify`, { kind: "code", items });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const cli = scratchpadCli(items.map((i) => JSON.stringify(i)).join("\n") + "\n", "verify", "code", "--jsonl")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const noTime = (x: Record<string, unknown>): Record<string, unknown> => ({ ...x, durationMs: undefined });
    expect((r.json.results as Record<string, unknown>[]).map(noTime)).toEqual(cli.map(noTime));
    expect((r.json.results as { correct: boolean }[]).map((x) => x.correct)).toEqual([true, false, true, false, false]);
  });

  it("POST /verify: bad kind or items is a 400 naming the field", async () => {
    expect((await post(`${s.url}/verify`, { kind: "poetry", items: [] })).json.error).toMatchObject({ param: "kind" });
    expect((await post(`${s.url}/verify`, { kind: "math", items: {} })).json.error).toMatchObject({ param: "items" });
  });

  it("POST /run_code: SandboxFusion's answers for python, nodejs, typescript, bash and cpp", async () => {
    const run = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = await post(`${s.url}/run_code`, { compile_timeout: 20, run_timeout: 10, memory_limit_MB: 1024, files: {}, fetch_files: [], ...body });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json;
    };
    const py = await run({ language: "python", code: "print(input()[::-1])", stdin: "hello" });
    expect(py).toMatchObject({ status: "Success", compile_result: null, run_result: { status: "Finished", return_code: 0, stdout: "olleh\n" }, files: {} });
    expect(py).toHaveProperty("executor_pod_name");
    expect(py).toHaveProperty("message", "");
    const pyErr = await run({ language: "python", code: "raise ValueError('boom')" });
    expect(pyErr).toMatchObject({ status: "Failed", run_result: { status: "Finished", return_code: 1 } });
    expect((pyErr.run_result as { stderr: string }).stderr).toContain("ValueError: boom");
    expect(await run({ language: "nodejs", code: "process.stdout.write(String(6 * 7))" })).toMatchObject({ status: "Success", run_result: { stdout: "42" } });
    expect(await run({ language: "typescript", code: "const x: number = 21; console.log(x * 2)" })).toMatchObject({
      status: "Success",
      run_result: { stdout: "42\n" },
    });
    expect(await run({ language: "typescript", code: "const x: number = ;" })).toMatchObject({
      status: "Failed",
      compile_result: { return_code: 1 },
      run_result: null,
    });
    const cpp = await run({ language: "cpp", code: "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}", stdin: "2 40" });
    expect(cpp).toMatchObject({
      status: "Success",
      compile_result: { status: "Finished", return_code: 0 },
      run_result: { status: "Finished", return_code: 0, stdout: "42\n" },
    });
    const cppErr = await run({ language: "cpp", code: "int main() { return undeclared; }" });
    expect(cppErr).toMatchObject({ status: "Failed", compile_result: { status: "Finished" }, run_result: null });
    expect((cppErr.compile_result as { return_code: number; stderr: string }).return_code).not.toBe(0);
    expect((cppErr.compile_result as { stderr: string }).stderr).toContain("undeclared");
    const bytes = await run({
      language: "python",
      code: "print(open('sub/d.bin', 'rb').read())",
      files: { "sub/d.bin": Buffer.from([0, 255, 1]).toString("base64") },
    });
    expect(bytes).toMatchObject({ status: "Success", run_result: { stdout: "b'\\x00\\xff\\x01'\n" } });
    const files = await run({
      language: "bash",
      code: "cat data/in.txt; printf 'out' > res.bin",
      files: { "data/in.txt": Buffer.from("from a file\n").toString("base64") },
      fetch_files: ["res.bin", "missing.txt"],
    });
    expect(files).toMatchObject({ status: "Success", run_result: { stdout: "from a file\n" }, files: { "res.bin": Buffer.from("out").toString("base64") } });
  });

  it("POST /run_code: time limits are TimeLimitExceeded, in the run and in a compiled program", async () => {
    const py = await post(`${s.url}/run_code`, { language: "python", code: "while True: pass", run_timeout: 1 });
    expect(py.json).toMatchObject({ status: "Failed", run_result: { status: "TimeLimitExceeded", return_code: null } });
    const cpp = await post(`${s.url}/run_code`, {
      language: "cpp",
      code: "int main(){ volatile int x = 0; while (true) x++; }",
      run_timeout: 1,
      compile_timeout: 30,
    });
    expect(cpp.json).toMatchObject({ status: "Failed", compile_result: { return_code: 0 }, run_result: { status: "TimeLimitExceeded" } });
  });

  it("hostile input never takes it down", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const attempts = [
      post(`${s.url}/verify`, `{"kind":"math","items":${deep}}`),
      post(`${s.url}/verify`, `{"kind":"math","items":[${deep}]}`),
      post(`${s.url}/get_reward`, `{"query":["a"],"labels":[${deep}]}`),
      post(`${s.url}/get_reward`, { query: ["x".repeat(2_000_000)], prompts: [""], labels: ["1".repeat(100_000)] }),
      post(`${s.url}/run_code`, { language: "python", code: "import os\nos.kill(os.getppid(), 9)\nos.kill(1, 9)" }),
      post(`${s.url}/verify`, { kind: "code", items: [{ language: "python", code: "print('x' * (1 << 30))" }] }),
      post(`${s.url}/run_code`, { language: "python", code: "print(1)", files: { a: "YQ==", "a/b": "YQ==" } }),
      post(`${s.url}/run_code`, { language: "python", code: "print(1)", files: { ".": "YQ==" } }),
      post(`${s.url}/get_reward`, "null"),
      post(`${s.url}/run_code`, "[]"),
    ];
    const results = await Promise.allSettled(attempts);
    for (const r of results) {
      expect(r.status).toBe("fulfilled");
      if (r.status === "fulfilled") expect(r.value.status).toBeLessThan(500);
    }
    expect((await health(s.url)).status).toBe("ok");
    const after = await post(`${s.url}/get_reward`, { query: ["\\boxed{2}"], prompts: [""], labels: ["2"] });
    expect(after.json.rewards).toEqual([1]);
  });

  it("64+ requests in flight, one query each, all answered", async () => {
    const n = 96;
    const reqs = Array.from({ length: n }, (_, i) =>
      post(`${s.url}/get_reward`, { query: [QWEN_PROMPT + `\\boxed{${i % 2 ? 42 : 41}}<|im_end|>`], prompts: [QWEN_PROMPT], labels: ["42"] }),
    );
    const res = await Promise.all(reqs);
    expect(res.map((r) => r.status)).toEqual(new Array(n).fill(200));
    expect(res.map((r) => (r.json.rewards as number[])[0])).toEqual(Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 0)));
  });
});

describe("reward-server --math-options (open-r1's accuracy reward over OpenRLHF's contract)", () => {
  const R1 = {
    extraction: ["latex"],
    gold_extraction: ["latex", "expr"],
    boxed_match_priority: 0,
    try_extract_without_anchor: false,
    extraction_mode: "first_match",
  };

  it("applies to /get_reward labels and is the base of /verify items, whose own options win; /health shows it", async () => {
    const s = await startServer("--workers", "1", "--task", "math", "--math-options", JSON.stringify(R1));
    try {
      const h = await health(s.url);
      expect(h.math_options).toMatchObject({
        extraction: ["latex"],
        goldExtraction: ["latex", "expr"],
        boxed_match_priority: 0,
        try_extract_without_anchor: false,
      });
      // only an anchored answer (a box, "final answer is", "answer:") is read; a plain span or number is none
      const responses = ["It is \\boxed{42}.", "The final answer is $42$.", "We get $42$.", "42"];
      const r = await post(`${s.url}/get_reward`, {
        query: responses.map((x) => QWEN_PROMPT + x + "<|im_end|>"),
        prompts: responses.map(() => QWEN_PROMPT),
        labels: responses.map(() => "42"),
      });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.rewards).toEqual([1, 1, 0, 0]);
      // the same responses without the server's options: the plain span is read
      const v = await post(`${s.url}/verify`, {
        kind: "math",
        items: [
          { gold: "42", pred: "We get $42$." },
          { gold: "42", pred: "We get $42$.", options: { extraction: ["latex", "expr"], try_extract_without_anchor: true } },
        ],
      });
      expect((v.json.results as { correct: boolean }[]).map((x) => x.correct)).toEqual([false, true]);
    } finally {
      await s.stop();
    }
  });

  it("bad options stop the server before it listens, naming the option", async () => {
    await expect(startServer("--math-options", '{"extraction":["latex"],"fallback_mode":"never"}')).rejects.toThrow(
      /--math-options: fallback_mode must be "first_match" or "no_fallback"/,
    );
    await expect(startServer("--math-options", "{not json")).rejects.toThrow(/--math-options must be a JSON object/);
  });
});

describe("reward-server load rules", () => {
  it("a full queue answers 503 with Retry-After; the held request is stopped when its client leaves", async () => {
    const s = await startServer("--workers", "1", "--max-queue", "1");
    try {
      const ac = new AbortController();
      const held = fetch(`${s.url}/run_code`, {
        method: "POST",
        body: JSON.stringify({ language: "python", code: "import time\ntime.sleep(50)", run_timeout: 55 }),
        signal: ac.signal,
      }).catch((e: unknown) => e);
      await waitForHealth(s.url, (h) => h.in_flight === 1 && h.programs_running === 1);
      const busy = await post(`${s.url}/get_reward`, { query: ["\\boxed{1}"], labels: ["1"] });
      expect(busy.status).toBe(503);
      expect(busy.headers.get("retry-after")).toBe("1");
      expect(busy.json.error).toMatchObject({ code: "overloaded", type: "server_error" });
      ac.abort();
      await held;
      await waitForHealth(s.url, (h) => h.in_flight === 0 && h.programs_running === 0);
      const ok = await post(`${s.url}/get_reward`, { query: ["\\boxed{1}"], labels: ["1"] });
      expect(ok.json.rewards).toEqual([1]);
    } finally {
      await s.stop();
    }
  });

  it("math past the deadline is stopped (its workers replaced) and the server goes on", async () => {
    const s = await startServer("--workers", "2", "--deadline", "1");
    try {
      const items = Array.from({ length: 100_000 }, (_, i) => ({ gold: `\\frac{${i}}{7}`, pred: `so \\boxed{\\frac{${2 * i}}{14}} or \\sqrt{${i}}` }));
      const slow = await post(`${s.url}/verify`, { kind: "math", items });
      expect(slow.status).toBe(504);
      expect(slow.json.error).toMatchObject({ code: "deadline_exceeded" });
      await waitForHealth(s.url, (h) => h.in_flight === 0 && h.math_tasks_waiting === 0 && h.math_workers_ready === 2);
      const ok = await post(`${s.url}/get_reward`, { query: ["\\boxed{3}", "\\boxed{4}"], labels: ["3", "3"] });
      expect(ok.json.rewards).toEqual([1, 0]);
    } finally {
      await s.stop();
    }
  });

  it("a /get_reward code label past the deadline is killed and frees its sandbox slot for the next request", async () => {
    // Before: the program of a code label ran on after the 504 (to its own 120 s limit), holding the only slot,
    // and the next request's right answer waited behind it and got a 504 too.
    const s = await startServer("--workers", "1", "--deadline", "4");
    try {
      const label = { language: "python", tests: "assert f(1) == 2", limits: { timeoutMs: 120_000 } };
      const slow = await post(`${s.url}/get_reward`, { query: ["```python\nimport time\ntime.sleep(110)\n```"], labels: [label] });
      expect(slow.status).toBe(504);
      await waitForHealth(s.url, (h) => h.in_flight === 0 && h.programs_running === 0);
      const ok = await post(`${s.url}/get_reward`, { query: ["```python\ndef f(x):\n    return x + 1\n```"], labels: [label] });
      expect(ok.json.rewards).toEqual([1]);
    } finally {
      await s.stop();
    }
  });

  it("the deadline answers 504 and stops the work; an oversized body gets 413 and the connection is closed", async () => {
    const s = await startServer("--workers", "1", "--deadline", "1", "--max-body", "4096");
    try {
      const slow = await post(`${s.url}/run_code`, { language: "python", code: "import time\ntime.sleep(50)", run_timeout: 55 });
      expect(slow.status).toBe(504);
      expect(slow.json.error).toMatchObject({ code: "deadline_exceeded" });
      await waitForHealth(s.url, (h) => h.in_flight === 0 && h.programs_running === 0);

      const { port } = new URL(s.url);
      for (const framing of ["content-length", "chunked"] as const) {
        const got = await new Promise<{ text: string; closed: boolean }>((resolve) => {
          const sock = net.connect(Number(port), "127.0.0.1");
          let text = "";
          sock.on("data", (b) => (text += b.toString()));
          sock.on("error", () => undefined);
          sock.on("close", () => resolve({ text, closed: true }));
          const head =
            framing === "content-length"
              ? "POST /verify HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n"
              : "POST /verify HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
          const chunk = "x".repeat(8192);
          sock.write(head + (framing === "chunked" ? `${(8192).toString(16)}\r\n${chunk}\r\n` : chunk));
        });
        expect(got.closed).toBe(true);
        expect(got.text).toMatch(/^HTTP\/1\.1 413/);
        expect(got.text.toLowerCase()).toContain("connection: close");
        expect(got.text).toContain("request_too_large");
      }
      expect((await health(s.url)).status).toBe("ok");
    } finally {
      await s.stop();
    }
  });
});

describe("red team of reward-server --math-options", () => {
  it("hostile option JSON is refused naming the option, before listening (it was a TypeError: 'expanded is not iterable')", async () => {
    await expect(startServer("--math-options", '{"extraction":["toString"]}')).rejects.toThrow(/--math-options: extraction: unknown source "toString"/);
    await expect(startServer("--math-options", '{"goldExtraction":["constructor"]}')).rejects.toThrow(
      /--math-options: goldExtraction: unknown source "constructor"/,
    );
    await expect(startServer("--math-options", '{"extraction":"latex","try_extract_without_anchor":false}')).rejects.toThrow(
      /--math-options: extraction must be a non-empty list/,
    );
  });

  it("both spellings of an option keep it (they had erased each other: the reward read plain spans again); a /verify item with bad options is its own error", async () => {
    const s = await startServer(
      "--workers",
      "1",
      "--task",
      "math",
      "--math-options",
      '{"extraction":["latex"],"gold_extraction":["latex","expr"],"try_extract_without_anchor":false,"tryExtractWithoutAnchor":false}',
    );
    try {
      expect((await health(s.url)).math_options).toMatchObject({ try_extract_without_anchor: false, tryExtractWithoutAnchor: false });
      const r = await post(`${s.url}/get_reward`, { query: ["We get $42$.", "The answer is $42$."], prompts: ["", ""], labels: ["42", "42"] });
      expect(r.json.rewards).toEqual([0, 1]);
      // one item's hostile options no longer take the verdicts of the items beside it
      const v = await post(`${s.url}/verify`, {
        kind: "math",
        items: [
          { gold: "1", pred: "\\boxed{1}" },
          { gold: "2", pred: "\\boxed{2}", options: { extraction: ["constructor"] } },
          { gold: "3", pred: "\\boxed{3}", options: { extraction: "latex", fallback_mode: "no_fallback" } },
          { gold: "4", pred: "\\boxed{4}" },
        ],
      });
      const res = v.json.results as { correct?: boolean; error?: string }[];
      expect(res[0].correct).toBe(true);
      expect(res[1].error).toMatch(/extraction: unknown source "constructor"/);
      expect(res[2].error).toMatch(/extraction must be a non-empty list/);
      expect(res[3].correct).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
