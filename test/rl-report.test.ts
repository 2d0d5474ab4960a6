// The main job end to end on a tiny real model (few steps, small evaluation): runs/<timestamp>/ with
// report.json, report.html and model/, runs/latest, a plain summary under CI; the report renders in
// headless Chromium with its plots.
import { existsSync } from "node:fs";
import { readFile, readlink } from "node:fs/promises";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { MainJobInterrupted, runMainJob } from "../src/app/main-job.js";
import type { MainReport } from "../src/report/main-report.js";
import { tempDir, tinyBase } from "./rl-fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
let base = "";
beforeAll(async () => {
  base = await tinyBase(path.join(await tempDir("report-base"), "base"), 300, { maxDigits: 2 });
});

describe("main job report", () => {
  it("writes the run folder and a report whose plots render in Chromium", async () => {
    const runs = await tempDir("report-runs");
    let printed = "";
    const { dir } = await runMainJob({
      runsDir: runs,
      plain: true,
      out: { write: (s: string) => (printed += s) },
      train: { model: base, steps: 3, batch_size: 32, num_generations: 4, max_difficulty: 1, max_completion_length: 24, save_steps: 2 },
      eval: { difficulty: "1-2", n: 3, k: 4, budgets: [0, 2, 4, 8], budgetSamples: 1, maxTokens: 24 },
    });
    expect(await readlink(path.join(runs, "latest"))).toBe(path.basename(dir));
    for (const f of ["report.html", "report.json", "model/config.json", "model/model.safetensors", "model/tokenizer.json", "train/metrics.jsonl"]) {
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    }
    expect(existsSync(path.join(dir, "model/optimizer.safetensors"))).toBe(false);
    const json = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as MainReport;
    expect(json.history).toHaveLength(3);
    expect(json.phenomena.map((p) => p.id)).toEqual(["accuracy", "adaptive_thinking", "majority_vote", "budgets"]);
    expect(json.trained.budgets.map((b) => b.budget)).toEqual([0, 2, 4, 8]);
    expect(json.self_check?.trained.completions).toBe(2 * 3 * 4); // every uncapped sample of the eval
    expect(json.self_check?.base.completions).toBe(2 * 3 * 4);
    expect(printed).toMatch(/self-checking: slips caught with "wait" .* → /);
    expect(printed).toMatch(/step 3\/3 .*reward/);
    expect(printed).toMatch(/difficulty {2}base pass@1/);
    expect(printed).toContain(path.join(dir, "report.html"));
    expect(printed).not.toContain("\r");

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`file://${path.join(dir, "report.html")}`);
      expect(await page.title()).toMatch(/R1-Zero/);
      const charts = await page.$$eval("svg[data-chart]", (els) =>
        els.map((e) => ({
          id: e.getAttribute("data-chart"),
          width: e.getBoundingClientRect().width,
          marks: e.querySelectorAll("polyline, circle, rect.bar").length,
        })),
      );
      expect(charts.map((c) => c.id).sort()).toEqual(["budgets", "majority", "thinking_difficulty", "thinking_steps", "training"]);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(200);
        expect(c.marks, c.id).toBeGreaterThan(0);
      }
      expect(await page.locator(".trace").count()).toBeGreaterThan(0);
      expect(await page.locator("table.phenomena tr").count()).toBe(5);
      expect(await page.locator("table.selfcheck tbody tr").count()).toBe(5);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("an interrupted run resumes when the same command runs again", async () => {
    const runs = await tempDir("report-resume");
    const train = { model: base, steps: 4, batch_size: 16, num_generations: 4, max_difficulty: 1, max_completion_length: 24, save_steps: 1 };
    const evalOpts = { difficulty: "1", n: 2, k: 2, budgets: [0, 4], budgetSamples: 1, maxTokens: 24 };
    const ac = new AbortController();
    let first = "";
    const err = await runMainJob({
      runsDir: runs,
      plain: true,
      signal: ac.signal,
      train,
      eval: evalOpts,
      out: {
        write: (s: string) => {
          first += s;
          if (/step 2\/4/.test(s)) ac.abort();
        },
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MainJobInterrupted);
    expect((err as Error).message).toMatch(/stopped at step 2 of 4/);
    expect(first).not.toMatch(/step 3\/4/);
    let second = "";
    const { dir } = await runMainJob({ runsDir: runs, plain: true, train, eval: evalOpts, out: { write: (s: string) => (second += s) } });
    expect(second).toMatch(/resuming the unfinished run/);
    expect(second).toMatch(/resuming training at step 2/);
    expect(second).not.toMatch(/step 1\/4/);
    expect(await readlink(path.join(runs, "latest"))).toBe(path.basename(dir));
    const json = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as MainReport;
    expect(json.history.map((m) => m.step)).toEqual([1, 2, 3, 4]);
  });
});
