// Screenshot of the live dashboard during a real `scratchpad start` run (docs/img/dashboard.png):
// starts the main job from the TypeScript sources with a dashboard on any free port, opens it in
// Debian's Chromium, waits until training has finished (the evaluation is running), takes the
// screenshot, then waits for the end (the report shown) and checks the run exited cleanly.
//
//   npx tsx scripts/dashboard-screenshot.ts [--steps 40] [--out docs/img/dashboard.png]
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const steps = Number(arg("steps", "40"));
const out = arg("out", "docs/img/dashboard.png");
const runs = await mkdtemp(path.join(tmpdir(), "scratchpad-dash-shot-"));
const child = spawn(
  process.execPath,
  ["--import", "tsx", "test/rl-cli-entry.ts", "start", "--steps", String(steps), "--eval-n", "5", "--runs-dir", runs, "--dashboard-port", "0"],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, CI: "true" } },
);
let printed = "";
const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
const url = await new Promise<string>((resolve, reject) => {
  child.stdout.on("data", (d: Buffer) => {
    process.stdout.write(d);
    printed += d.toString();
    const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed);
    if (m) resolve(m[1]);
  });
  void exited.then((code) => reject(new Error(`scratchpad start exited (${code}) before printing the dashboard address`)));
});
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForFunction(`(document.querySelector("#progress").textContent || "") === "step ${steps} / ${steps}"`, undefined, {
    timeout: 3_600_000,
    polling: 200,
  });
  await page.waitForFunction(`document.querySelectorAll('svg[data-chart="reward"] circle[data-series="reward"]').length === ${steps}`, undefined, {
    timeout: 60_000,
  });
  await page.screenshot({ path: out, fullPage: true });
  console.error(`wrote ${out}`);
  await page.waitForFunction(`document.querySelector("#end").classList.contains("shown")`, undefined, { timeout: 3_600_000, polling: 500 });
  console.error(`the page shows the end: ${await page.locator("#report-link").textContent()}`);
} finally {
  await browser.close();
}
const code = await exited;
if (code !== 0) throw new Error(`scratchpad start exited with ${code}`);
