/**
 * The chart the README shows: wall time against k, ours, naive and the floor, both axes logarithmic.
 * Hand-written SVG, no dependencies. Pure.
 */
import type { BenchReport, ProviderKind, ScenarioName, ScenarioResult } from "./results";

const WIDTH = 760;
const HEIGHT = 400;
const MARGIN = { left: 70, right: 230, top: 44, bottom: 52 };
const COLORS: Record<ProviderKind, string> = {
  ours: "#1f77b4",
  naive: "#d62728",
  floor: "#7f7f7f",
};

interface Series {
  label: string;
  provider: ProviderKind;
  dashed: boolean;
  points: { k: number; seconds: number }[];
}

function seriesOf(
  results: readonly ScenarioResult[],
  provider: ProviderKind,
  label: string,
  scenarios: readonly ScenarioName[] | undefined,
  dashed: boolean,
): Series {
  const byK = new Map<number, number>();
  for (const r of results) {
    if (r.provider !== provider || (scenarios !== undefined && !scenarios.includes(r.scenario))) {
      continue;
    }
    byK.set(r.k, (byK.get(r.k) ?? 0) + r.wallMs / 1000);
  }
  const points = [...byK.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, seconds]) => ({ k, seconds }));
  return { label, provider, dashed, points };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Decades covering [min, max]: 10^floor(log min) … 10^ceil(log max). */
function decades(min: number, max: number): number[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  return Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
}

function tickLabel(value: number, unit: string): string {
  const text = value >= 1 ? value.toLocaleString("en-US") : String(value);
  return `${text}${unit}`;
}

export function renderWallTimeChart(report: BenchReport): string {
  const all: Series[] = [
    seriesOf(report.results, "ours", "ours, all six scenarios", undefined, false),
    seriesOf(report.results, "naive", "naive, all six scenarios", undefined, false),
    seriesOf(report.results, "floor", "floor, all six scenarios", undefined, false),
    seriesOf(report.results, "ours", "ours, preview", ["preview"], true),
    seriesOf(report.results, "naive", "naive, preview", ["preview"], true),
    seriesOf(report.results, "floor", "floor, preview", ["preview"], true),
  ];
  const series = all.filter((s) => s.points.length > 0);
  const points = series.flatMap((s) => s.points);
  const ks = points.map((p) => p.k);
  const times = points.map((p) => Math.max(p.seconds, 0.001));
  const xTicks = decades(Math.min(...ks, 10), Math.max(...ks, 100));
  const yTicks = decades(Math.min(...times, 1), Math.max(...times, 10));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const logSpan = (ticks: number[]) => [
    Math.log10(ticks[0] ?? 1),
    Math.log10(ticks[ticks.length - 1] ?? 10),
  ];
  const [x0 = 0, x1 = 1] = logSpan(xTicks);
  const [y0 = 0, y1 = 1] = logSpan(yTicks);
  const x = (k: number) => MARGIN.left + ((Math.log10(k) - x0) / (x1 - x0)) * plotW;
  const y = (s: number) =>
    MARGIN.top + plotH - ((Math.log10(Math.max(s, 0.001)) - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>Wall time against k, ours, naive and the floor (log scale)</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">Wall time against k (log scale)</text>`,
    `<text x="${MARGIN.left}" y="38" fill="#555">T = 2k users, ${report.settings.latencyMs} ms latency, ${report.settings.rateLimitPerSecond} requests/s limit</text>`,
  );
  for (const tick of yTicks) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(y(tick))}" y2="${f(y(tick))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${f(y(tick) + 4)}" text-anchor="end">${escapeXml(tickLabel(tick, " s"))}</text>`,
    );
  }
  for (const tick of xTicks) {
    out.push(
      `<line x1="${f(x(tick))}" x2="${f(x(tick))}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`,
      `<text x="${f(x(tick))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(tickLabel(tick, ""))}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">k (resources declared)</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">wall time (s)</text>`,
  );
  series.forEach((s, index) => {
    const color = COLORS[s.provider];
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const path = s.points.map((p) => `${f(x(p.k))},${f(y(p.seconds))}`).join(" ");
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${f(x(p.k))}" cy="${f(y(p.seconds))}" r="3.5" fill="${s.dashed ? "#ffffff" : color}" stroke="${color}" stroke-width="1.5"><title>${escapeXml(`${s.label}, k = ${p.k}: ${p.seconds.toFixed(2)} s`)}</title></circle>`,
      );
    }
    const legendY = MARGIN.top + 12 + index * 20;
    const legendX = MARGIN.left + plotW + 16;
    out.push(
      `<line x1="${legendX}" x2="${legendX + 26}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 32}" y="${legendY + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push(`</svg>`, "");
  return out.join("\n");
}
