/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Drawn dashed (a target, a reference). */
  readonly dashed?: boolean;
}

/** What {@link svgLineChart} draws. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Logarithmic axes (powers of ten). On a log y axis, values ≤ 0 sit on the bottom edge, labelled 0. */
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** A line of small print under the chart (parameters, units). */
  readonly note?: string;
}

const WIDTH = 860;
const HEIGHT = 460;
const MARGIN = { top: 40, right: 230, bottom: 70, left: 80 } as const;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];

/**
 * A line chart as a standalone SVG document, written by hand so the benchmarks need no plotting
 * package: axes with ticks, axis labels, one polyline per series (with dots when a series has
 * few points), and a legend.
 *
 * @example
 * writeFileSync('herd.svg', svgLineChart({
 *   title: 'Dials per 100 ms', xLabel: 's since the drop', yLabel: 'dials', yLog: true,
 *   series: [{ name: 'linear', points: [[0, 0], [5, 1000]] }],
 * }));
 */
export function svgLineChart(spec: ChartSpec): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x).filter(Number.isFinite);
  const ys = all.map(([, y]) => y).filter(Number.isFinite);
  const xAxis = axis(xs, spec.xLog ?? false);
  const yAxis = axis(ys, spec.yLog ?? false);
  const px = (x: number) => MARGIN.left + xAxis.scale(x) * plotW;
  const py = (y: number) => MARGIN.top + plotH - yAxis.scale(y) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(
    `<text x="${WIDTH / 2 - MARGIN.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  );

  // Grid and ticks.
  for (const t of xAxis.ticks) {
    const x = fmt(px(t));
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${esc(label(t))}</text>`);
  }
  for (const t of yAxis.ticks) {
    const y = fmt(py(t));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(label(t))}</text>`);
  }
  if (spec.yLog)
    out.push(`<text x="${MARGIN.left - 6}" y="${MARGIN.top + plotH}" text-anchor="end" dominant-baseline="middle" fill="#777">0</text>`);

  // Axes and their labels.
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="black"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`);
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 38}" text-anchor="middle">${esc(spec.xLabel)}${spec.xLog ? ' (log)' : ''}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}${spec.yLog ? ' (log)' : ''}</text>`,
  );
  if (spec.note) out.push(`<text x="${MARGIN.left}" y="${HEIGHT - 10}" font-size="11" fill="#555">${esc(spec.note)}</text>`);

  // Series, clipped to the plot area.
  out.push(`<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top - 4}" width="${plotW + 4}" height="${plotH + 8}"/></clipPath>`);
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const path = points.map(([x, y]) => `${fmt(px(x))},${fmt(py(y))}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline clip-path="url(#plot)" fill="none" stroke="${color}" stroke-width="1.8"${dash} points="${path}"/>`);
    if (points.length <= 20 && !series.dashed) {
      for (const [x, y] of points) out.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="3" fill="${color}"/>`);
    }
    // Legend.
    const ly = MARGIN.top + 12 + i * 20;
    const lx = WIDTH - MARGIN.right + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${esc(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

interface Axis {
  /** Maps a value to [0, 1] along the axis. */
  scale(value: number): number;
  readonly ticks: readonly number[];
}

function axis(values: readonly number[], log: boolean): Axis {
  if (log) {
    const positive = values.filter((v) => v > 0);
    const lo = Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1));
    let hi = Math.ceil(Math.log10(positive.length ? Math.max(...positive) : 10));
    if (hi <= lo) hi = lo + 1;
    const ticks: number[] = [];
    for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
    // Values ≤ 0 (an empty window) sit on the floor, half a decade below the lowest tick.
    const floor = lo - 0.5;
    return { ticks, scale: (v) => (v > 0 ? (Math.log10(v) - floor) / (hi - floor) : 0) };
  }
  let lo = Math.min(0, ...values);
  let hi = Math.max(lo, ...values);
  if (hi === lo) hi = lo + 1;
  const step = niceStep((hi - lo) / 6);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { ticks, scale: (v) => (v - lo) / (hi - lo) };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** A compact tick label: 1k, 2.5M, 0.1. */
function label(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

function fmt(n: number): string {
  return n.toFixed(1);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
