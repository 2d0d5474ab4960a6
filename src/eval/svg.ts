/**
 * Small dependency-free SVG line charts for the evaluation report (linear or log x axis, several
 * named series, axis ticks and a legend).
 */

/** One named series of (x, y) points. */
export interface Series {
  name: string;
  points: [number, number][];
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Logarithmic x axis (x ≤ 0 points are drawn at the axis minimum). */
  logX?: boolean;
  /** Fixed y range (default: from the data, or [0, 1] when every y is in it). */
  yRange?: [number, number];
  width?: number;
  height?: number;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/** Escape text for HTML/SVG. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`;
  return String(Number(v.toPrecision(3)));
}

/** Render a line chart as an inline SVG element. */
export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 520, H = spec.height ?? 320;
  const m = { l: 56, r: 150, t: 34, b: 46 };
  const pts = spec.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60" role="img"><title>${escapeXml(spec.title)}</title><text x="8" y="30">${escapeXml(spec.title)}: no data</text></svg>`;
  const xsRaw = pts.map(([x]) => x);
  const positive = xsRaw.filter((x) => x > 0);
  const tx = (x: number) => (spec.logX ? Math.log10(Math.max(x, positive.length ? Math.min(...positive) : 1)) : x);
  let x0 = Math.min(...xsRaw.map(tx)), x1 = Math.max(...xsRaw.map(tx));
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  const ys = pts.map(([, y]) => y);
  let [y0, y1] = spec.yRange ?? (ys.every((y) => y >= 0 && y <= 1) ? [0, 1] : [Math.min(0, ...ys), Math.max(...ys)]);
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const px = (x: number) => m.l + ((tx(x) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" class="chart">`);
  parts.push(`<title>${escapeXml(spec.title)}</title><rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${m.l}" y="20" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`);
  // axes and ticks
  parts.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`);
  const xt = spec.logX ? niceTicks(Math.floor(x0), Math.ceil(x1), Math.max(1, Math.ceil(x1) - Math.floor(x0))).map((e) => 10 ** e) : niceTicks(x0, x1);
  for (const v of xt) {
    const x = px(v);
    if (x < m.l - 1 || x > W - m.r + 1) continue;
    parts.push(`<line x1="${x}" y1="${H - m.b}" x2="${x}" y2="${H - m.b + 4}" stroke="#333"/><text x="${x}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of niceTicks(y0, y1)) {
    const y = py(v);
    parts.push(`<line x1="${m.l - 4}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#ddd"/><text x="${m.l - 7}" y="${y + 4}" font-size="11" text-anchor="end">${fmt(v)}</text>`);
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" font-size="12" text-anchor="middle">${escapeXml(spec.xLabel)}${spec.logX ? " (log scale)" : ""}</text>`);
  parts.push(`<text x="14" y="${(m.t + H - m.b) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(m.t + H - m.b) / 2})">${escapeXml(spec.yLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const good = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (good.length > 1) parts.push(`<polyline class="series" fill="none" stroke="${c}" stroke-width="2" points="${good.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`);
    for (const [x, y] of good) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"><title>${escapeXml(`${s.name}: (${fmt(x)}, ${fmt(y)})`)}</title></circle>`);
    const ly = m.t + 8 + i * 18;
    parts.push(`<rect x="${W - m.r + 12}" y="${ly - 8}" width="12" height="3" fill="${c}"/><text x="${W - m.r + 28}" y="${ly - 3}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}
