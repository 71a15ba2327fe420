/**
 * Ours against the floor (bench/floor-provider.ts) of the same run: wall time and peak RSS as a
 * ratio per scenario, and the two targets that are stated relative to the floor. Pure.
 */
import type { ScenarioName, ScenarioResult, TargetCheck } from "./scenario-result";

const MB = 1_000_000;

/** Preview at this k must take at most WALL_RATIO_LIMIT × the floor's wall time. */
export const WALL_TARGET_K = 1_000;
export const WALL_RATIO_LIMIT = 1.25;
/** Peak RSS at this k must stay within the floor's plus RSS_DELTA_LIMIT_BYTES. */
export const RSS_TARGET_K = 10_000;
export const RSS_DELTA_LIMIT_BYTES = 20 * MB;

export const WALL_TARGET = `preview at k = 1,000 ≤ ${WALL_RATIO_LIMIT} × the floor's wall time`;
export const RSS_TARGET = "peak RSS at k = 10,000 ≤ the floor's + 20 MB";

/** One scenario at one k, ours next to the floor. */
export interface FloorComparison {
  k: number;
  scenario: ScenarioName;
  oursWallMs: number;
  floorWallMs: number;
  /** ours ÷ floor. */
  wallRatio: number;
  /** VmHWM of each host; undefined without /proc. */
  oursPeakRssBytes: number | undefined;
  floorPeakRssBytes: number | undefined;
  /** ours ÷ floor. */
  rssRatio: number | undefined;
  /** ours − floor. */
  rssDeltaBytes: number | undefined;
  /** Requests the floor sent: 0 unless it is broken. */
  floorRequests: number;
}

export function compareWithFloor(results: readonly ScenarioResult[]): FloorComparison[] {
  const comparisons: FloorComparison[] = [];
  for (const ours of results) {
    if (ours.provider !== "ours") continue;
    const floor = results.find(
      (r) => r.provider === "floor" && r.k === ours.k && r.scenario === ours.scenario,
    );
    if (floor === undefined) continue;
    const bothRss =
      ours.peakRssBytes !== undefined && floor.peakRssBytes !== undefined
        ? { ours: ours.peakRssBytes, floor: floor.peakRssBytes }
        : undefined;
    comparisons.push({
      k: ours.k,
      scenario: ours.scenario,
      oursWallMs: ours.wallMs,
      floorWallMs: floor.wallMs,
      wallRatio: ours.wallMs / floor.wallMs,
      oursPeakRssBytes: ours.peakRssBytes,
      floorPeakRssBytes: floor.peakRssBytes,
      rssRatio: bothRss && bothRss.ours / bothRss.floor,
      rssDeltaBytes: bothRss && bothRss.ours - bothRss.floor,
      floorRequests: floor.requests.total,
    });
  }
  return comparisons;
}

/** "2.43 / 1.95 s (1.25×), 157 / 150 MB (1.05×, +7.0 MB)": what the console and the Markdown say. */
export function comparisonLine(c: FloorComparison): string {
  const rss =
    c.rssRatio === undefined || c.rssDeltaBytes === undefined
      ? "RSS n/a"
      : `RSS ${mb(c.oursPeakRssBytes)} / ${mb(c.floorPeakRssBytes)} MB ` +
        `(${c.rssRatio.toFixed(2)}×, ${signedMb(c.rssDeltaBytes)} MB)`;
  return (
    `k=${c.k} ${c.scenario} ours / floor: wall ${seconds(c.oursWallMs)} / ${seconds(c.floorWallMs)} s ` +
    `(${c.wallRatio.toFixed(2)}×), ${rss}`
  );
}

export function checkFloorTargets(comparisons: readonly FloorComparison[]): TargetCheck[] {
  return [checkPreviewWallTime(comparisons), checkPeakRss(comparisons)];
}

function checkPreviewWallTime(comparisons: readonly FloorComparison[]): TargetCheck {
  const at = comparisons.filter((c) => c.k === WALL_TARGET_K);
  const preview = at.find((c) => c.scenario === "preview");
  if (preview === undefined) {
    return { target: WALL_TARGET, status: "not measured", detail: "no k = 1,000 run" };
  }
  const drifted = at.find((c) => c.scenario === "drift-preview");
  return {
    target: WALL_TARGET,
    status: preview.wallRatio <= WALL_RATIO_LIMIT ? "met" : "missed",
    detail:
      `${seconds(preview.oursWallMs)} s / ${seconds(preview.floorWallMs)} s = ` +
      `${preview.wallRatio.toFixed(2)}×` +
      (drifted === undefined
        ? ""
        : `; with 10% drift ${seconds(drifted.oursWallMs)} s / ${seconds(drifted.floorWallMs)} s = ` +
          `${drifted.wallRatio.toFixed(2)}×`),
  };
}

/** Per scenario (each is its own host process), the worst one decides. */
function checkPeakRss(comparisons: readonly FloorComparison[]): TargetCheck {
  const at = comparisons.filter((c) => c.k === RSS_TARGET_K && c.rssDeltaBytes !== undefined);
  if (at.length === 0) {
    return {
      target: RSS_TARGET,
      status: "not measured",
      detail: "run `npm run bench -- --k 10000`",
    };
  }
  const worst = at.reduce((a, b) => ((b.rssDeltaBytes ?? 0) > (a.rssDeltaBytes ?? 0) ? b : a));
  const delta = worst.rssDeltaBytes ?? 0;
  return {
    target: RSS_TARGET,
    status: delta <= RSS_DELTA_LIMIT_BYTES ? "met" : "missed",
    detail:
      `worst ${signedMb(delta)} MB (${worst.scenario}: ${mb(worst.oursPeakRssBytes)} MB / floor ` +
      `${mb(worst.floorPeakRssBytes)} MB); per scenario ` +
      at.map((c) => `${c.scenario} ${signedMb(c.rssDeltaBytes ?? 0)}`).join(", "),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : (bytes / MB).toFixed(1);
}

function signedMb(bytes: number): string {
  return `${bytes >= 0 ? "+" : "−"}${Math.abs(bytes / MB).toFixed(1)}`;
}
