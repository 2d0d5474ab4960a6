// The live training dashboard, with real parts: real GRPO steps on the shipped base model, the
// dashboard's HTTP/SSE server on 127.0.0.1 (port 0), Debian's Chromium through playwright-core, the
// real CLI as a child process. Every wait is on a condition (generous timeouts, no sleeps), so a busy
// 2-core machine only makes it slower.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { runMainJob, summary } from "../src/app/main-job.js";
import { dashboardPlan, startDashboard, type Dashboard } from "../src/dashboard/index.js";
import { resolveTrainConfig } from "../src/rl/config.js";
import { train, type StepEvent } from "../src/rl/trainer.js";
import type { TrainablePolicy } from "../src/types.js";
import { tempDir } from "./rl-fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const LONG = 600_000; // per test: a busy machine is slow, never wrong
const WAIT = { timeout: 300_000, polling: 100 };
const entry = path.resolve("test/rl-cli-entry.ts");
/** The page shows the end of the run (a page-side expression). */
const ENDED = `document.querySelector("#end").classList.contains("shown")`;

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** Points drawn for one series of one chart. */
function points(page: Page, chart: string, series: string): Promise<number> {
  return page.locator(`svg[data-chart="${chart}"] circle[data-series="${series}"]`).count();
}

/** Wait until the chart shows exactly `n` points of the series. */
async function waitForPoints(page: Page, chart: string, series: string, n: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('svg[data-chart="${chart}"] circle[data-series="${series}"]').length === ${n}`, undefined, WAIT);
}

/** A policy whose rollouts wait for `gate` (the test paces the run; the steps themselves are real). */
function gated(policy: TrainablePolicy, gate: () => Promise<void>): TrainablePolicy {
  return new Proxy(policy, {
    get(target, key, receiver) {
      if (key === "generateTokens") {
        return async (...args: Parameters<TrainablePolicy["generateTokens"]>) => {
          await gate();
          return target.generateTokens(...args);
        };
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The events of an SSE stream until `stop` says so (or the stream ends). */
async function readEvents(url: string, stop: (e: { id?: string; event: string; data: unknown }) => boolean, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  const events: { id?: string; event: string; data: unknown }[] = [];
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const frame = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const e: { id?: string; event: string; data: unknown } = { event: "message", data: null };
      let data = "";
      for (const line of frame.split("\n")) {
        if (line.startsWith("id: ")) e.id = line.slice(4);
        else if (line.startsWith("event: ")) e.event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (!data) continue;
      e.data = JSON.parse(data);
      events.push(e);
      if (stop(e)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

describe("live dashboard", () => {
  it(
    "charts gain points while a real training runs, a reload replays the history, the end shows the summary",
    async () => {
      const out = await tempDir("dash-train");
      const cfg = resolveTrainConfig({
        model: "models/base",
        output_dir: out,
        steps: 4,
        batch_size: 16,
        num_generations: 4,
        min_difficulty: 1,
        max_difficulty: 3,
        max_completion_length: 32,
        dynamic_sampling: false,
        save_steps: 100,
      });
      const dash = await startDashboard({ port: 0, title: "dashboard test" });
      let finished = 0,
        allowed = 1;
      let wake: (() => void)[] = [];
      const gate = async () => {
        while (finished >= allowed) await new Promise<void>((r) => wake.push(r));
      };
      const release = (n: number) => {
        allowed = n;
        const w = wake;
        wake = [];
        w.forEach((r) => r());
      };
      const events: StepEvent[] = [];
      const run = train(cfg, {
        loadPolicy: async (dir) => gated(await EmbeddedPolicy.load(dir), gate),
        onStep: (m, c, e) => {
          finished = e.step;
          events.push(e);
          dash.onStep(m, c, e);
        },
      });
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      try {
        expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
        await page.goto(dash.url);
        // Step 1 is done and step 2 held: one point per series.
        await waitForPoints(page, "reward", "reward", 1);
        expect(await points(page, "reward", "accuracy")).toBe(1);
        expect(await page.locator("#progress").textContent()).toBe("step 1 / 4");
        // While the run goes on, the open page gains the next step's points.
        release(2);
        await waitForPoints(page, "reward", "reward", 2);
        expect(finished).toBe(2);
        expect(await page.locator("#progress").textContent()).toBe("step 2 / 4");
        for (const chart of ["kl", "entropy"]) expect(await page.locator(`svg[data-chart="${chart}"] circle`).count(), chart).toBe(2);
        expect(await points(page, "clip", "region")).toBe(2);
        expect(await points(page, "groups", "kept")).toBe(2);
        // Per difficulty: a point for each step that sampled the level.
        const levels = [...new Set(events.flatMap((e) => e.metrics.by_difficulty.map((d) => d.difficulty)))];
        expect(levels.length).toBeGreaterThan(0);
        for (const d of levels) {
          const n = events.filter((e) => e.metrics.by_difficulty.some((x) => x.difficulty === d)).length;
          expect(await points(page, "accuracy_difficulty", `difficulty ${d}`), `accuracy d${d}`).toBe(n);
          expect(await points(page, "thinking_difficulty", `difficulty ${d}`), `thinking d${d}`).toBe(n);
        }
        // A reload: the history is replayed to the new page.
        await page.reload();
        await waitForPoints(page, "reward", "reward", 2);
        expect(await page.locator("#progress").textContent()).toBe("step 2 / 4");
        // The latest step's traces, the scratchpad highlighted.
        const traces = events[1].traces;
        await page.waitForFunction(`document.querySelectorAll("#traces .trace").length === ${traces.length}`, undefined, WAIT);
        const shown = await Promise.all(
          (await page.locator("#traces .trace").all()).map(async (t) => ({
            text: (await t.textContent()) ?? "",
            think: await t.locator(".think").allTextContents(),
          })),
        );
        traces.forEach((t, i) => {
          expect(shown[i].text).toContain(t.prompt + t.text);
          const thinks = t.text.match(/<think>[\s\S]*?(<\/think>|$)/g) ?? [];
          expect(shown[i].think).toEqual(thinks);
        });
        // The rest of the run, then the end.
        release(Infinity);
        const res = await run;
        await waitForPoints(page, "reward", "reward", 4);
        await dash.end({ ok: true, summary: `trained ${res.steps}/${cfg.steps} steps` });
        await page.waitForFunction(ENDED, undefined, WAIT);
        expect(await page.locator("#summary").textContent()).toBe("trained 4/4 steps");
        expect(await page.locator("#conn").textContent()).toBe("finished");
        // metrics.jsonl is written as before.
        const lines = (await readFile(path.join(out, "metrics.jsonl"), "utf8")).trim().split("\n");
        expect(lines.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual([1, 2, 3, 4]);
        expect(errors).toEqual([]);
      } finally {
        release(Infinity);
        await run.catch(() => undefined);
        await page.close();
        await dash.close();
      }
    },
    LONG,
  );

  it(
    "shows the main job's final report at the end, to a page opened after the run (replay)",
    async () => {
      const runs = await tempDir("dash-runs");
      const dash = await startDashboard({ port: 0, title: "scratchpad start", afterTraining: "evaluating" });
      try {
        const { dir, report } = await runMainJob({
          runsDir: runs,
          plain: true,
          out: { write: () => true },
          onStep: dash.onStep,
          train: { model: "models/base", steps: 3, batch_size: 16, num_generations: 4, max_difficulty: 2, max_completion_length: 24, save_steps: 10 },
          eval: { difficulty: "1-2", n: 3, k: 2, budgets: [0, 4], budgetSamples: 1, maxTokens: 24 },
        });
        await dash.end({ ok: true, summary: summary(report, dir).trim(), reportFile: path.join(dir, "report.html") });
        const reportHtml = await readFile(path.join(dir, "report.html"), "utf8");
        const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
        try {
          await page.goto(dash.url);
          await page.waitForFunction(ENDED, undefined, WAIT);
          expect(await points(page, "reward", "reward")).toBe(3);
          const link = page.locator("#report-link");
          expect(await link.textContent()).toBe("Open the final report");
          expect(await link.getAttribute("title")).toBe(path.join(dir, "report.html"));
          // The link opens the report itself (a blob: copy, so it outlives the server).
          const href = (await link.getAttribute("href"))!;
          expect(href).toMatch(/^blob:/);
          expect(await page.evaluate(async (u) => (await fetch(u)).text(), href)).toBe(reportHtml);
          // The report is embedded, its plots drawn.
          const frame = page.frameLocator("#report-frame");
          await frame.locator("svg[data-chart]").first().waitFor(WAIT);
          expect(await frame.locator("svg[data-chart]").count()).toBeGreaterThanOrEqual(5);
          expect(await page.locator("#summary").textContent()).toMatch(/difficulty {2}base pass@1/);
          // The server serves it too, while it runs.
          const served = await fetch(new URL("/report", dash.url));
          expect(await served.text()).toBe(reportHtml);
        } finally {
          await page.close();
        }
      } finally {
        await dash.close();
      }
    },
    LONG,
  );

  it(
    "scratchpad train --dashboard-port 0 streams every step and the end to a client (CI set)",
    async () => {
      const out = await tempDir("dash-cli");
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          entry,
          "train",
          "--model",
          "models/base",
          "--output-dir",
          out,
          "--steps",
          "6",
          "--batch-size",
          "16",
          "--num-generations",
          "4",
          "--max-difficulty",
          "2",
          "--max-completion-length",
          "24",
          "--dashboard-port",
          "0",
        ],
        {
          env: { ...process.env, CI: "true" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "",
        stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        void exited.then(() => reject(new Error(`exited before printing the dashboard address:\n${stdout}\n${stderr}`)));
      });
      // The address is printed before the model is even loaded; connecting takes the test a moment,
      // six real steps take the child seconds (the replay would cover any steps missed meanwhile).
      const events = await readEvents(new URL("/events", url).href, (e) => e.event === "end");
      expect(await exited).toBe(0);
      expect(events[0].event).toBe("hello");
      expect(events.filter((e) => e.event === "step").map((e) => (e.data as { step: number }).step)).toEqual([1, 2, 3, 4, 5, 6]);
      const end = events[events.length - 1];
      expect(end.event).toBe("end");
      expect(end.data).toMatchObject({ ok: true, report: null });
      expect((end.data as { summary: string }).summary).toMatch(/^trained 6\/6 steps; checkpoint /);
      expect(stdout).toMatch(/trained 6\/6 steps/);
      // The server is gone with the process.
      await expect(fetch(url)).rejects.toThrow();
    },
    LONG,
  );

  it(
    "a resumed run shows the steps before the resume too (read back from metrics.jsonl)",
    async () => {
      const out = await tempDir("dash-resume");
      const base = {
        model: "models/base",
        output_dir: out,
        batch_size: 16,
        num_generations: 4,
        max_difficulty: 2,
        max_completion_length: 24,
        dynamic_sampling: false,
        save_steps: 1,
      };
      const first = await train(resolveTrainConfig({ ...base, steps: 2 }));
      const dash = await startDashboard({ port: 0 });
      try {
        const res = await train(resolveTrainConfig({ ...base, steps: 3 }), { onStep: dash.onStep });
        expect(res.resumedFrom).toBe(2);
        const history = (await (await fetch(new URL("/history.json", dash.url))).json()) as {
          event: string;
          data: { step?: number; metrics?: { reward: number }; traces?: unknown[] };
        }[];
        const steps = history.filter((e) => e.event === "step").map((e) => e.data);
        expect(steps.map((d) => d.step)).toEqual([1, 2, 3]);
        expect(steps.map((d) => d.metrics!.reward)).toEqual([...first.history.map((m) => m.reward), res.history[2].reward]);
        expect(steps.map((d) => d.traces!.length > 0)).toEqual([false, false, true]);
      } finally {
        await dash.close();
      }
    },
    LONG,
  );

  it(
    "replays from Last-Event-ID on a reconnect, refuses foreign Host headers, and follows the CLI rules",
    async () => {
      const dash: Dashboard = await startDashboard({ port: 0 });
      try {
        dash.phase("one");
        dash.phase("two");
        dash.phase("three");
        const all = await readEvents(new URL("/events", dash.url).href, (e) => e.id === "3");
        expect(all.map((e) => e.event)).toEqual(["hello", "phase", "phase", "phase"]);
        const after = await readEvents(new URL("/events", dash.url).href, (e) => e.id === "3", { "Last-Event-ID": "1" });
        expect(after.map((e) => e.id)).toEqual([undefined, "2", "3"]);
        expect((after[0].data as { run_id: string }).run_id).toBe(dash.runId);
        // A Last-Event-ID this run never sent (another run on this port): everything again.
        const other = await readEvents(new URL("/events", dash.url).href, (e) => e.id === "3", { "Last-Event-ID": "99" });
        expect(other.map((e) => e.id)).toEqual([undefined, "1", "2", "3"]);
        const history = (await (await fetch(new URL("/history.json", dash.url))).json()) as { data: { text: string } }[];
        expect(history.map((e) => e.data.text)).toEqual(["one", "two", "three"]);
        expect((await fetch(new URL("/report", dash.url))).status).toBe(404);
        const page = await fetch(dash.url);
        expect(page.headers.get("content-type")).toMatch(/text\/html/);
        // Nothing is loaded from elsewhere (the SVG namespace URI is a name, not a fetch).
        expect(await page.text()).not.toMatch(/(src|href|action)\s*=\s*["']?(https?:)?\/\/|url\(\s*["']?(https?:)?\/\/|@import/i);
        const { request } = await import("node:http");
        const status = await new Promise<number>((resolve, reject) => {
          request(dash.url, { headers: { host: "evil.example:80" } }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          })
            .on("error", reject)
            .end();
        });
        expect(status).toBe(403);
      } finally {
        await dash.close();
      }
      // The port is taken: an error naming the port and the fix, or (the default port) any free one.
      const a = await startDashboard({ port: 0 });
      try {
        await expect(startDashboard({ port: a.port })).rejects.toThrow(new RegExp(`port ${a.port} .* in use; pass --dashboard-port 0`));
        const b = await startDashboard({ port: a.port, fallback: true });
        expect(b.port).not.toBe(a.port);
        await b.close();
      } finally {
        await a.close();
      }
      expect(dashboardPlan({ dashboard: true }, { CI: "true" })).toBeNull();
      expect(dashboardPlan({ dashboard: true, dashboard_port: 0 }, { CI: "true" })).toEqual({ port: 0, fallback: false });
      expect(dashboardPlan({ dashboard: false, dashboard_port: 7000 }, {})).toBeNull();
      expect(dashboardPlan({ dashboard: true }, {})).toEqual({ port: 6060, fallback: true });
      expect(dashboardPlan({ dashboard: true }, { CI: "false" })).toEqual({ port: 6060, fallback: true });
    },
    LONG,
  );
});
