// Screenshot of a `scratchpad route --report FILE.html` page (docs/img/route.png): opens the report
// in Debian's Chromium and captures the page (table and both plots: accuracy against cost, and PGR
// against calls to strong).
//
//   npx tsx scripts/route-screenshot.ts runs/route.html [--out docs/img/route.png]
import { pathToFileURL } from "node:url";
import * as path from "node:path";
import { chromium } from "playwright-core";

const file = process.argv[2];
if (!file || file.startsWith("--")) throw new Error("usage: npx tsx scripts/route-screenshot.ts REPORT.html [--out docs/img/route.png]");
const i = process.argv.indexOf("--out");
const out = i > 0 ? process.argv[i + 1] : "docs/img/route.png";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(pathToFileURL(path.resolve(file)).href);
  await page.waitForSelector('svg[data-chart="route-pgr"]');
  await page.screenshot({ path: out, fullPage: true });
  console.error(`wrote ${out}`);
} finally {
  await browser.close();
}
