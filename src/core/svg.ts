/**
 * Dependency-free SVG charts for HTML reports: line charts (linear or log x axis, several series,
 * legend above the plot, markers, dashed lines) and grouped bar charts. Each function returns one `<svg>` element
 * as a string, sized by its viewBox so that it scales with the page.
 *
 * A log x axis accepts 0 (a thinking budget of 0, say): 0 is drawn one decade left of the smallest
 * positive x and labelled "0".
 */

/** One line of a line chart. */
export interface Series {
  name: string;
  /** (x, y) points; points with a non-finite y are skipped (the line breaks there). */
  points: ReadonlyArray<readonly [number, number]>;
  /** CSS colour (default: from the palette, by index). */
  color?: string;
  dashed?: boolean;
  /** Draw a dot at each point (default true when the series has ≤ 40 points). */
  markers?: boolean;
  /** Join the points with a line (default true); false draws the dots alone, as a scatter. */
  line?: boolean;
}

/** Options shared by the charts. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixel size of the viewBox (default 640 × 360). */
  width?: number;
  height?: number;
  /** y range (default: from the data, including 0 when the data is non-negative and near it). */
  yMin?: number;
  yMax?: number;
  /** Format y tick labels (default: up to 3 significant digits). */
  yFormat?: (y: number) => string;
  /** Format x tick labels. */
  xFormat?: (x: number) => string;
  /** Accessible id for the chart (also the `data-chart` attribute, for tests). */
  id?: string;
  /**
   * Where the legend goes: `above` the plot (default), where it never covers a point (the chart
   * grows by the legend's rows; the plot keeps its height), or `inside` it, top left on a white box.
   */
  legend?: "inside" | "above";
}

/** Options of `lineChart`. */
export interface LineChartOptions extends ChartOptions {
  /** Log-scaled x axis (base 10; 0 allowed, see the file header). */
  logX?: boolean;
  /** Explicit x ticks (default: nice ticks, or the distinct x values on a log axis). */
  xTicks?: number[];
}

/** The default palette (colour-blind friendly, Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

/** Escape text for XML/HTML. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** "Nice" ticks covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Default number format: integers as is, else 3 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

interface Frame {
  W: number;
  H: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** One legend entry. */
interface LegendItem {
  name: string;
  color: string;
  dashed?: boolean;
}

const LEGEND_ROW = 16;

/** Where each legend entry goes (x and row), wrapping onto further rows so that none is dropped. */
function layoutLegend(left: number, right: number, items: LegendItem[]): { at: { x: number; row: number; item: LegendItem }[]; rows: number; widest: number } {
  let x = left + 8;
  let row = 0;
  let widest = x;
  const at: { x: number; row: number; item: LegendItem }[] = [];
  for (const item of items) {
    const w = 28 + 7 * item.name.length;
    if (x + w > right && x > left + 8) {
      row++;
      x = left + 8;
    }
    at.push({ x, row, item });
    x += w;
    widest = Math.max(widest, Math.min(x, right));
  }
  return { at, rows: at.length ? row + 1 : 0, widest };
}

/** The chart's frame; with the legend above the plot, the chart grows by the legend's rows. */
function frame(o: ChartOptions, items: LegendItem[]): Frame {
  const W = o.width ?? 640;
  const top = o.title ? 36 : 16;
  const above = o.legend !== "inside" ? layoutLegend(64, W - 16, items).rows * LEGEND_ROW + (items.length ? 6 : 0) : 0;
  const H = (o.height ?? 360) + above;
  return { W, H, left: 64, right: W - 16, top: top + above, bottom: H - (o.xLabel ? 52 : 36) };
}

function yRange(values: number[], o: ChartOptions): [number, number] {
  const finite = values.filter(Number.isFinite);
  let lo = o.yMin ?? (finite.length ? Math.min(...finite) : 0);
  let hi = o.yMax ?? (finite.length ? Math.max(...finite) : 1);
  if (o.yMin === undefined && lo > 0 && lo < 0.5 * hi) lo = 0;
  if (hi === lo) {
    hi = lo + 1;
    if (o.yMin === undefined) lo = Math.min(lo, 0);
  }
  if (o.yMax === undefined) {
    // Round the top up to the next tick so that no point is clipped.
    const ticks = niceTicks(lo, hi);
    const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
    if (step > 0) hi = Number((Math.ceil(hi / step - 1e-9) * step).toPrecision(12));
  }
  return [lo, Math.max(hi, lo + 1e-12)];
}

/** The shared parts: frame, title, axis labels, y grid. */
function axes(f: Frame, o: ChartOptions, yLo: number, yHi: number, ys: (y: number) => number): string[] {
  const parts: string[] = [];
  const fmt = o.yFormat ?? formatNumber;
  for (const t of niceTicks(yLo, yHi)) {
    if (t < yLo - 1e-12 || t > yHi + 1e-12) continue;
    const y = ys(t);
    parts.push(`<line x1="${f.left}" x2="${f.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${f.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#444">${escapeXml(fmt(t))}</text>`);
  }
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="#999"/>`);
  if (o.title) parts.push(`<text x="${f.W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  if (o.xLabel) parts.push(`<text x="${(f.left + f.right) / 2}" y="${f.H - 10}" text-anchor="middle" font-size="12">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel) {
    const cy = (f.top + f.bottom) / 2;
    parts.push(`<text x="14" y="${cy}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${cy})">${escapeXml(o.yLabel)}</text>`);
  }
  return parts;
}

/** The legend: top left inside the plot on a white box, or in the band above the plot. */
function legend(f: Frame, o: ChartOptions, items: LegendItem[]): string[] {
  const { at, rows, widest } = layoutLegend(f.left, f.right, items);
  if (!at.length) return [];
  const top = o.legend !== "inside" ? f.top - rows * LEGEND_ROW - 6 : f.top;
  const parts = ['<g class="legend">'];
  if (o.legend === "inside")
    parts.push(`<rect x="${f.left + 2}" y="${top + 2}" width="${widest - f.left - 4}" height="${4 + rows * LEGEND_ROW}" fill="white" fill-opacity="0.85"/>`);
  for (const { x, row, item } of at) {
    const y = top + 14 + row * LEGEND_ROW;
    parts.push(
      `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${item.color}" stroke-width="3"${item.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
      `<text x="${x + 22}" y="${y}" font-size="11">${escapeXml(item.name)}</text>`,
    );
  }
  parts.push("</g>");
  return parts;
}

const wrap = (o: ChartOptions, f: Frame, kind: string, body: string[]): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.W} ${f.H}" width="${f.W}" height="${f.H}" role="img" class="chart chart-${kind}"` +
  `${o.id ? ` data-chart="${escapeXml(o.id)}" id="${escapeXml(o.id)}"` : ""} aria-label="${escapeXml(o.title ?? kind)}" font-family="system-ui, sans-serif">` +
  body.join("") +
  "</svg>";

/** A line chart of one or more series. */
export function lineChart(series: ReadonlyArray<Series>, o: LineChartOptions = {}): string {
  const items = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], dashed: s.dashed }));
  const f = frame(o, items);
  const xsAll = series.flatMap((s) => s.points.map((p) => p[0])).filter(Number.isFinite);
  const ysAll = series.flatMap((s) => s.points.map((p) => p[1]));
  const [yLo, yHi] = yRange(ysAll, o);
  const positive = xsAll.filter((x) => x > 0);
  const minPos = positive.length ? Math.min(...positive) : 1;
  const tx = (x: number): number => (o.logX ? (x > 0 ? Math.log10(x) : Math.log10(minPos) - 1) : x);
  const txs = xsAll.map(tx);
  let xLo = txs.length ? Math.min(...txs) : 0,
    xHi = txs.length ? Math.max(...txs) : 1;
  if (xHi === xLo) {
    xLo -= 0.5;
    xHi += 0.5;
  }
  const pad = (xHi - xLo) * 0.03;
  const xs = (x: number) => Number((f.left + ((tx(x) - xLo + pad) / (xHi - xLo + 2 * pad)) * (f.right - f.left)).toFixed(2));
  const ys = (y: number) => Number((f.bottom - ((y - yLo) / (yHi - yLo)) * (f.bottom - f.top)).toFixed(2));
  const parts = axes(f, o, yLo, yHi, ys);
  const xfmt = o.xFormat ?? formatNumber;
  const ticks = o.xTicks ?? (o.logX ? [...new Set(xsAll)].sort((a, b) => a - b) : niceTicks(Math.min(...xsAll), Math.max(...xsAll), 6));
  for (const t of ticks) {
    const x = xs(t);
    parts.push(`<line x1="${x}" x2="${x}" y1="${f.bottom}" y2="${f.bottom + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x}" y="${f.bottom + 16}" text-anchor="middle" font-size="11" fill="#444">${escapeXml(xfmt(t))}</text>`);
  }
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const segs: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || !Number.isFinite(x) || (o.logX && x < 0)) {
        segs.push([]);
        continue;
      }
      segs[segs.length - 1].push(`${xs(x)},${ys(Math.min(Math.max(y, yLo), yHi))}`);
    }
    const cls = `series series-${i}`;
    parts.push(`<g class="${cls}" data-series="${escapeXml(s.name)}">`);
    for (const seg of segs) {
      if (seg.length > 1 && s.line !== false)
        parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${seg.join(" ")}"/>`);
    }
    if (s.markers ?? s.points.length <= 40) {
      for (const [x, y] of s.points) {
        if (Number.isFinite(x) && Number.isFinite(y)) {
          parts.push(
            `<circle cx="${xs(x)}" cy="${ys(Math.min(Math.max(y, yLo), yHi))}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: x=${xfmt(x)}, y=${formatNumber(y)}`)}</title></circle>`,
          );
        }
      }
    }
    parts.push("</g>");
  });
  parts.push(...legend(f, o, items));
  return wrap(o, f, "line", parts);
}

/** One series of a grouped bar chart: a value per category. */
export interface BarSeries {
  name: string;
  values: ReadonlyArray<number>;
  color?: string;
}

/** A grouped bar chart: for each category, one bar per series. */
export function barChart(categories: ReadonlyArray<string>, series: ReadonlyArray<BarSeries>, o: ChartOptions = {}): string {
  const items = series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length] }));
  const f = frame(o, items);
  const [yLo, yHi] = yRange([0, ...series.flatMap((s) => s.values)], o);
  const ys = (y: number) => Number((f.bottom - ((y - yLo) / (yHi - yLo)) * (f.bottom - f.top)).toFixed(2));
  const parts = axes(f, o, yLo, yHi, ys);
  const groupW = (f.right - f.left) / Math.max(1, categories.length);
  const barW = (groupW * 0.8) / Math.max(1, series.length);
  const fmt = o.yFormat ?? formatNumber;
  categories.forEach((c, ci) => {
    const gx = f.left + ci * groupW + groupW * 0.1;
    parts.push(`<text x="${f.left + (ci + 0.5) * groupW}" y="${f.bottom + 16}" text-anchor="middle" font-size="11" fill="#444">${escapeXml(c)}</text>`);
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (!Number.isFinite(v)) return;
      const y = ys(Math.min(Math.max(v, yLo), yHi));
      const color = s.color ?? PALETTE[si % PALETTE.length];
      parts.push(
        `<rect class="bar series-${si}" x="${(gx + si * barW).toFixed(2)}" y="${Math.min(y, ys(0))}" width="${(barW - 2).toFixed(2)}" height="${Math.abs(ys(0) - y).toFixed(2)}" fill="${color}"><title>${escapeXml(`${s.name} · ${c}: ${fmt(v)}`)}</title></rect>`,
      );
    });
  });
  parts.push(...legend(f, o, items));
  return wrap(o, f, "bar", parts);
}
