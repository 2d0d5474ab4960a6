// Tests of the SVG chart helpers: structure, log axes with 0, escaping, bar placement.
import { describe, expect, it } from "vitest";
import { barChart, escapeXml, lineChart, niceTicks } from "./svg.js";

describe("lineChart", () => {
  it("draws one polyline per series with a point per x, a legend and axis labels", () => {
    const svg = lineChart(
      [
        {
          name: "reward",
          points: [
            [1, 0.2],
            [2, 0.5],
            [3, 0.7],
          ],
        },
        {
          name: "accuracy",
          points: [
            [1, 0.1],
            [2, 0.4],
            [3, 0.9],
          ],
          dashed: true,
        },
      ],
      { title: "Training", xLabel: "step", yLabel: "value", id: "train" },
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('data-chart="train"');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(6);
    expect(svg).toContain(">reward</text>");
    expect(svg).toContain("stroke-dasharray");
    expect(svg).toContain(">step</text>");
  });

  it("wraps a long legend onto further rows instead of dropping series", () => {
    const names = ["prompt router (test sweep)", "always cheap", "always strong", "prompt oracle (sweep)", "oracle", "chosen threshold"];
    const svg = lineChart(
      names.map((name, i) => ({ name, points: [[i, i] as const] })),
      { title: "Accuracy against cost", id: "wrap" },
    );
    for (const n of names) expect(svg).toContain(`>${n}</text>`);
    const ys = new Set([...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" font-size="11">/g)].map((m) => m[1]));
    expect(ys.size).toBeGreaterThan(1);
  });

  it("puts the legend above the plot by default, where it covers no point, and grows the chart to fit", () => {
    const names = ["prompt router (test sweep)", "always cheap", "always strong", "prompt oracle (sweep)", "oracle", "chosen threshold"];
    const series = names.map((name, i) => ({ name, points: [[i, 1] as const] }));
    const inside = lineChart(series, { title: "t", id: "in", legend: "inside" });
    const above = lineChart(series, { title: "t", id: "above" });
    const frameTop = (svg: string) => Number(/<rect x="64" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="none" stroke="#999"\/>/.exec(svg)![1]);
    const legendYs = (svg: string) => [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" font-size="11">/g)].map((m) => Number(m[1]));
    const height = (svg: string) => Number(/viewBox="0 0 \d+ (\d+)"/.exec(svg)![1]);
    for (const n of names) expect(above).toContain(`>${n}</text>`);
    // Inside: legend rows start within the plot. Above: every row ends above the plot's top edge.
    expect(Math.min(...legendYs(inside))).toBeGreaterThan(frameTop(inside));
    expect(Math.max(...legendYs(above))).toBeLessThan(frameTop(above));
    expect(new Set(legendYs(above)).size).toBe(2);
    // The plot keeps its height; the chart grows by the legend band (two rows).
    expect(height(above) - height(inside)).toBe(frameTop(above) - frameTop(inside));
    expect(height(above)).toBeGreaterThan(height(inside));
    // The points at y = 1 (the top of the data) lie inside the plot, below the legend.
    const cys = [...above.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    for (const cy of cys) expect(cy).toBeGreaterThanOrEqual(frameTop(above));
  });

  it("draws a series with line: false as dots alone (a scatter)", () => {
    const svg = lineChart(
      [
        {
          name: "seeds",
          points: [
            [0.3, 0.8],
            [0.3, 0.76],
            [0.5, 0.77],
          ],
          line: false,
          markers: true,
        },
      ],
      { id: "scatter" },
    );
    expect(svg).not.toContain("<polyline");
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  it("log x axis places 0 a decade left of the smallest positive x and labels it", () => {
    const svg = lineChart(
      [
        {
          name: "acc",
          points: [
            [0, 0.3],
            [10, 0.5],
            [100, 0.9],
          ],
        },
      ],
      { logX: true },
    );
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[0]).toBeLessThan(xs[1]);
    // 10 → 100 is one decade; 0 is placed one decade left of 10
    expect(xs[1] - xs[0]).toBeCloseTo(xs[2] - xs[1], 0);
    expect(svg).toContain(">0</text>");
    expect(svg).toContain(">100</text>");
  });

  it("breaks the line at non-finite values and escapes names", () => {
    const svg = lineChart([
      {
        name: "a<b & c",
        points: [
          [1, 1],
          [2, NaN],
          [3, 2],
          [4, 3],
        ],
      },
    ]);
    expect(svg).toContain("a&lt;b &amp; c");
    expect(svg.match(/<polyline/g)).toHaveLength(1); // [1] alone has no line, [3,4] does
  });

  it("rounds the y axis up so that the largest value is not clipped", () => {
    const svg = lineChart([
      {
        name: "t",
        points: [
          [1, 3],
          [2, 29.7],
        ],
      },
    ]);
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[1]).toBeGreaterThan(16); // below the top edge of the plot area (top = 16)
    expect(svg).toContain(">30</text>");
  });
});

describe("barChart", () => {
  it("draws a bar per category and series", () => {
    const svg = barChart(
      ["1", "2", "3"],
      [
        { name: "pass@1", values: [0.9, 0.6, 0.3] },
        { name: "maj@8", values: [1, 0.8, 0.5] },
      ],
      { yMin: 0, yMax: 1 },
    );
    expect(svg.match(/<rect class="bar/g)).toHaveLength(6);
    expect(svg).toContain("maj@8 · 3: 0.5");
  });
});

describe("helpers", () => {
  it("niceTicks and escapeXml", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(escapeXml(`"<'>&`)).toBe("&quot;&lt;&#39;&gt;&amp;");
  });
});
