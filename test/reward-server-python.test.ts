// The reward server against the Python clients RL frameworks use, run with Debian's /usr/bin/python3 and
// python3-requests: OpenRLHF's remote reward-model client (128 requests in flight, then one batch), veRL's
// SandboxFusion client (check_correctness over /run_code), and the recipes shipped in docs/recipes/ (veRL's
// custom_reward_function and TRL's reward function). Each must get the right rewards with no error or retry.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "./reward-server-helpers.js";

const PYTHON = "/usr/bin/python3";
const FIXTURES = path.join(ROOT, "test/reward-server-fixtures");
const probe = spawnSync(PYTHON, ["-c", "import requests"], { encoding: "utf8" });
const missing = probe.error
  ? `${PYTHON} is missing`
  : probe.status !== 0
    ? "python3-requests is missing (apt-get install python3-requests; .ci/run installs it)"
    : "";
if (missing) console.warn(`reward-server Python client tests skipped: ${missing}`);

function python(args: string[], input: string, env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync(PYTHON, args, { input, encoding: "utf8", timeout: 600_000, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const QWEN = (q: string): string => `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n${q}<|im_end|>\n<|im_start|>assistant\n`;

describe.skipIf(missing !== "")(`reward server with the Python clients${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let s: ServerProcess;
  beforeAll(async () => {
    s = await startServer("--workers", "2");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("OpenRLHF's client: 128 requests in flight (one query each), then one batch; right rewards, no retries", () => {
    const cases: { query: string; prompt: string; label: string; want: number }[] = [];
    for (let i = 0; i < 120; i++) {
      const a = 3 + i;
      const prompt = QWEN(`What is ${a} + ${a}?`);
      const right = i % 3 !== 0;
      const response = `<think>${a} + ${a} = ${2 * a}</think>The answer is $\\boxed{${right ? 2 * a : 2 * a + 1}}$.<|im_end|><|endoftext|>`;
      cases.push({ query: prompt + response, prompt, label: String(2 * a), want: right ? 1 : 0 });
    }
    for (let i = 0; i < 8; i++) {
      const prompt = QWEN("Write square(x).");
      const right = i % 2 === 0;
      const response = `\`\`\`python\ndef square(x):\n    return x * ${right ? "x" : "2"}\n\`\`\`<|im_end|>`;
      cases.push({
        query: prompt + response,
        prompt,
        label: JSON.stringify({ language: "python", tests: "assert square(3) == 9\nassert square(4) == 16" }),
        want: right ? 1 : 0,
      });
    }
    const out = python([path.join(FIXTURES, "openrlhf_drive.py"), s.url], JSON.stringify(cases)) as {
      single: { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> }[];
      batch: { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
      retries: string[];
    };
    expect(out.retries).toEqual([]);
    expect(out.single.map((a) => a.rewards)).toEqual(cases.map((c) => [c.want]));
    for (const a of out.single) {
      expect(a.scores).toEqual(a.rewards);
      for (const v of Object.values(a.extra_logs)) expect(v).toHaveLength(1);
    }
    expect(out.batch.rewards).toEqual(cases.map((c) => c.want));
    expect(out.batch.scores).toHaveLength(cases.length);
  });

  it("veRL's SandboxFusion client: right verdicts for python, cpp, nodejs and bash, no errors or retries", () => {
    const cases = [
      { name: "py-right", language: "python", code: "a, b = map(int, input().split())\nprint(a + b)", inputs: ["1 2", "10 20\n"], outputs: ["3", "30\n"] },
      { name: "py-wrong", language: "python", code: "print(0)", inputs: ["1 2"], outputs: ["3"] },
      { name: "py-crash", language: "python", code: "raise RuntimeError('x')", inputs: [""], outputs: [""] },
      { name: "py-timeout", language: "python", code: "while True:\n    pass", inputs: [""], outputs: [""], timeout: 1 },
      {
        name: "cpp-right",
        language: "cpp",
        code: '#include <bits/stdc++.h>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a*b<<"\\n";}',
        inputs: ["6 7", "100000 100000"],
        outputs: ["42", "10000000000"],
        timeout: 30,
      },
      { name: "cpp-compile-error", language: "cpp", code: "int main() { return nope; }", inputs: ["1", "2", "3"], outputs: ["1", "2", "3"], timeout: 30 },
      {
        name: "nodejs-right",
        language: "nodejs",
        code: "const s = require('fs').readFileSync(0, 'utf8'); console.log(s.trim().split('').reverse().join(''))",
        inputs: ["abc"],
        outputs: ["cba"],
      },
      { name: "bash-right", language: "bash", code: "read x; echo $((x * 2))", inputs: ["21"], outputs: ["42"] },
    ];
    const out = python([path.join(FIXTURES, "verl_drive.py"), s.url], JSON.stringify(cases)) as {
      results: Record<string, (boolean | number)[]>;
      statuses: Record<string, string[]>;
      requests: number;
      cases: number;
      api_errors: string[];
    };
    expect(out.api_errors).toEqual([]);
    expect(out.requests).toBe(out.cases);
    expect(out.results).toEqual({
      "py-right": [true, true],
      "py-wrong": [false],
      "py-crash": [-2],
      "py-timeout": [-3],
      "cpp-right": [true, true],
      "cpp-compile-error": [-4, -4, -4],
      "nodejs-right": [true],
      "bash-right": [true],
    });
    expect(out.statuses["cpp-compile-error"][0]).toBe("compile_error");
  });

  it("docs/recipes: veRL's custom_reward_function and TRL's reward function score through /verify", () => {
    const script = `
import importlib.util, json, sys
def load(name):
    spec = importlib.util.spec_from_file_location(name, sys.argv[1] + "/docs/recipes/" + name + ".py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); return mod
verl = load("verl_reward"); trl = load("trl_reward")
tests = {"language": "python", "tests": "assert add(2, 3) == 5"}
print(json.dumps({
  "verl": [
    verl.compute_score("gsm8k", "<think>3*4=12</think> so \\\\boxed{12}", "12"),
    verl.compute_score("gsm8k", "the answer is \\\\boxed{13}", "12"),
    verl.compute_score("code", "<think>easy</think>\\n\`\`\`python\\ndef add(a, b):\\n    return a + b\\n\`\`\`", tests),
    verl.compute_score("code", "\`\`\`python\\ndef add(a, b):\\n    return a * b\\n\`\`\`", tests),
  ],
  "trl": trl.scratchpad_math_reward(["\\\\boxed{\\\\frac{1}{2}}", "\\\\boxed{3}"], solution=["0.5", "4"], prompts=["p", "q"]),
  "trl_chat": trl.scratchpad_math_reward([[{"role": "assistant", "content": "it is \\\\boxed{7}"}]], solution=["7"]),
}))
`;
    const out = python(["-c", script, ROOT], "", { SCRATCHPAD_REWARD_URL: s.url });
    expect(out).toEqual({ verl: [1, 0, 1, 0], trl: [1, 0], trl_chat: [1] });
  });
});
