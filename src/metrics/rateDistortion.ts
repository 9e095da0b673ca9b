/**
 * The rate–distortion picture of a β sweep. The negative ELBO splits into a
 * rate (KL: nats the code carries about each image) and a distortion (the
 * reconstruction term). Raising β buys a lower rate with more distortion, so
 * the runs of a sweep trace a curve. The layout is computed here once and
 * drawn both as a standalone SVG (CLI) and by the dashboard's chart.
 */

export interface RatePoint {
  label: string;
  /** KL (nats). */
  rate: number;
  /** Reconstruction −log p(x|z) (nats). */
  distortion: number;
}

export interface RateDistortionLayout {
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
  /** Points ordered by rate, in pixels. */
  dots: Array<RatePoint & { x: number; y: number }>;
  /** The curve through the dots (SVG path). */
  path: string;
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
}

/** Round tick values covering lo..hi (about `count` of them). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a >= 100 || Number.isInteger(v)) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toPrecision(2);
}

/** Places the points of a sweep (non-finite ones are left out). */
export function layoutRateDistortion(points: ReadonlyArray<RatePoint>, size = { width: 520, height: 360 }): RateDistortionLayout {
  const margin = { l: 64, r: 24, t: 30, b: 50 };
  const { width, height } = size;
  const finite = points.filter((p) => Number.isFinite(p.rate) && Number.isFinite(p.distortion));
  const xs = finite.map((p) => p.rate);
  const ys = finite.map((p) => p.distortion);
  // the rate axis starts at 0 (no information); a little room around the distortions
  const x0 = Math.min(0, ...xs);
  const x1 = xs.length > 0 ? Math.max(...xs) * 1.1 || 1 : 1;
  let y0 = ys.length > 0 ? Math.min(...ys) : 0;
  let y1 = ys.length > 0 ? Math.max(...ys) : 1;
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.05 || 1;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => margin.l + ((x - x0) / (x1 - x0 || 1)) * (width - margin.l - margin.r);
  const sy = (y: number) => height - margin.b - ((y - y0) / (y1 - y0 || 1)) * (height - margin.t - margin.b);
  const dots = [...finite].sort((a, b) => a.rate - b.rate).map((p) => ({ ...p, x: sx(p.rate), y: sy(p.distortion) }));
  const path = dots.map((d, i) => `${i ? 'L' : 'M'}${d.x.toFixed(1)},${d.y.toFixed(1)}`).join(' ');
  return {
    width,
    height,
    margin,
    dots,
    path,
    xTicks: niceTicks(x0, x1, 5).map((v) => ({ x: sx(v), label: tickLabel(v) })),
    yTicks: niceTicks(y0, y1, 4).map((v) => ({ y: sy(v), label: tickLabel(v) })),
  };
}

const escapeXml = (s: string): string =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

/** A standalone SVG of the curve (for files). */
export function rateDistortionSvg(points: ReadonlyArray<RatePoint>): string {
  const L = layoutRateDistortion(points);
  const { width: W, height: H, margin: m } = L;
  const ticks = [
    ...L.xTicks.map(
      (t) =>
        `<line x1="${t.x.toFixed(1)}" y1="${H - m.b}" x2="${t.x.toFixed(1)}" y2="${H - m.b + 4}" stroke="#333"/><text x="${t.x.toFixed(1)}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${t.label}</text>`,
    ),
    ...L.yTicks.map(
      (t) =>
        `<line x1="${m.l - 4}" y1="${t.y.toFixed(1)}" x2="${m.l}" y2="${t.y.toFixed(1)}" stroke="#333"/><text x="${m.l - 6}" y="${(t.y + 4).toFixed(1)}" font-size="11" text-anchor="end">${t.label}</text>`,
    ),
  ].join('');
  const dots = L.dots
    .map(
      (d) =>
        `<circle cx="${d.x.toFixed(1)}" cy="${d.y.toFixed(1)}" r="4" fill="#4f46e5"/><text x="${(d.x + 6).toFixed(1)}" y="${(d.y - 6).toFixed(1)}" font-size="12">${escapeXml(d.label)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Rate–distortion as β changes</text>
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>
<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="12">rate: KL (nats)</text>
<text x="16" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${H / 2})">distortion: reconstruction (nats)</text>
${ticks}
<path d="${L.path}" fill="none" stroke="#4f46e5" stroke-width="2"/>${dots}
</svg>
`;
}
