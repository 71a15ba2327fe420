/**
 * The Markdown table of a run (bench/results/<name>.md), and the progress line per scenario.
 */
import type { FloorComparison } from "./floor-comparison";
import { allowlistSection, keySection, policySection } from "./report-access";
import {
  MIN_PATCHES_FOR_RATE,
  readBudget,
  readsOf,
  SCENARIO_TITLES,
  SCENARIOS,
  withinBudget,
  type BenchReport,
  type ScenarioResult,
} from "./results";

const MB = 1_000_000;

export function scenarioLine(r: ScenarioResult): string {
  const rss = r.peakRssBytes === undefined ? "n/a" : `${(r.peakRssBytes / MB).toFixed(1)} MB`;
  return (
    `k=${String(r.k).padEnd(5)} ${r.provider.padEnd(5)} ${r.scenario.padEnd(8)} ` +
    `${String(r.requests.total).padStart(6)} requests (${readsOf(r.requests)} reads, ` +
    `${r.requests.patches} PATCH), ${r.requests.rateLimited} × 429, ${r.failures} failed, ` +
    `${seconds(r.wallMs)} s, RSS ${rss}`
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? "n/a" : (bytes / MB).toFixed(0);
}

/** ours / naive, to two significant digits. */
export function ratio(ours: number, naive: number | undefined): string {
  if (naive === undefined) return "";
  if (naive === 0) return ours === 0 ? "1" : "∞";
  const value = ours / naive;
  return value >= 10 ? value.toFixed(0) : value.toPrecision(2);
}

function pair(ours: string, naive: string | undefined): string {
  return naive === undefined ? ours : `${ours} / ${naive}`;
}

function budgetCell(r: ScenarioResult): string {
  const mark = withinBudget(r) ? "✓" : "✗";
  const patches =
    r.expectedPatches > 0 || r.requests.patches > 0
      ? ` + ${r.requests.patches}/${r.expectedPatches} PATCH`
      : "";
  return `${readsOf(r.requests)}/${readBudget(r.k, r.users)} reads${patches} ${mark}`;
}

/** Ours against the floor of the same run, same host, same engine order. */
function floorTable(comparisons: readonly FloorComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const lines = [
    "## Against the floor",
    "",
    "The floor is a dynamic provider that answers every call without any I/O " +
      "(`bench/floor-provider.ts`), serialized the same way and run in the same host in the " +
      "same engine order; it is told which users drifted, so its diffs plan the same changes " +
      "as ours. Ratios are ours ÷ floor.",
    "",
    "| k | scenario | wall time (s), ours / floor | ratio | peak RSS (MB), ours / floor | ratio | ours − floor (MB) | floor's API requests |",
    "|---:|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const c of comparisons) {
    lines.push(
      `| ${c.k} | ${SCENARIO_TITLES[c.scenario]} | ` +
        `${seconds(c.oursWallMs)} / ${seconds(c.floorWallMs)} | ${c.wallRatio.toFixed(2)} | ` +
        `${megabytes(c.oursPeakRssBytes)} / ${megabytes(c.floorPeakRssBytes)} | ` +
        `${c.rssRatio === undefined ? "n/a" : c.rssRatio.toFixed(2)} | ` +
        `${c.rssDeltaBytes === undefined ? "n/a" : (c.rssDeltaBytes / MB).toFixed(1)} | ` +
        `${c.floorRequests} |`,
    );
  }
  lines.push("");
  return lines;
}

/** ", load average 8.01 8.93 8.77 at the start, … at the end" (1, 5 and 15 minutes). */
function loadLine(load: BenchReport["environment"]["loadAverage"]): string {
  if (load === undefined) return "";
  const three = (values: number[]) => values.map((v) => v.toFixed(2)).join(" ");
  return `, load average ${three(load.start)} at the start and ${three(load.end)} at the end (1, 5, 15 min)`;
}

export function renderMarkdown(report: BenchReport, chartFile: string | undefined): string {
  const { settings } = report;
  const lines: string[] = [];
  lines.push(`# Fleet benchmark: ${settings.mode}`, "");
  lines.push(
    `${report.startedAt}, ${(report.durationMs / 1000).toFixed(0)} s; Node ${report.environment.node}, ` +
      `@pulumi/pulumi ${report.environment.pulumiSdk}, ${report.environment.cpus} CPUs` +
      `${loadLine(report.environment.loadAverage)}. ` +
      `The real dynamic-provider host driven over gRPC in the engine's order (Check and Diff one at a ` +
      `time; Create, Update, Read and Delete ${settings.parallel} at a time) against the emulator: ` +
      `${settings.latencyMs} ms latency, ${settings.rateLimitPerSecond} requests/s limit. ` +
      `T = 2k users; ours paces at ${settings.pacerRatePerSecond}/s. ` +
      `Each cell: ours / naive; ratios are ours ÷ naive. The floor (a provider that answers ` +
      `without any I/O) has its own table below.`,
    "",
  );
  lines.push(
    "| k | scenario | API requests | ratio | 429s | failed steps | wall time (s) | ratio | peak RSS (MB) | ours within budget |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const k of settings.ks) {
    for (const scenario of SCENARIOS) {
      const ours = report.results.find(
        (r) => r.k === k && r.scenario === scenario && r.provider === "ours",
      );
      if (ours === undefined) continue;
      const naive = report.results.find(
        (r) => r.k === k && r.scenario === scenario && r.provider === "naive",
      );
      lines.push(
        `| ${k} | ${SCENARIO_TITLES[scenario]} | ` +
          `${pair(String(ours.requests.total), naive && String(naive.requests.total))} | ` +
          `${ratio(ours.requests.total, naive?.requests.total)} | ` +
          `${pair(String(ours.requests.rateLimited), naive && String(naive.requests.rateLimited))} | ` +
          `${pair(String(ours.failures), naive && String(naive.failures))} | ` +
          `${pair(seconds(ours.wallMs), naive && seconds(naive.wallMs))} | ` +
          `${ratio(ours.wallMs, naive?.wallMs)} | ` +
          `${pair(megabytes(ours.peakRssBytes), naive && megabytes(naive.peakRssBytes))} | ` +
          `${budgetCell(ours)} |`,
      );
    }
  }
  lines.push("");

  if (report.results.some((r) => r.provider === "naive" && r.failures > 0)) {
    lines.push(
      "The naive provider does not retry: a step answered 429 fails, so its wall time there " +
        "covers work not done. After the measurement the benchmark runs its failed steps again " +
        "with the limit lifted, uncounted, so that every scenario starts from the same state.",
      "",
    );
  }

  lines.push(...floorTable(report.floor));

  const starts = report.results.flatMap((r) =>
    r.startRssBytes === undefined ? [] : [r.startRssBytes],
  );
  if (starts.length > 0) {
    lines.push(
      `Peak RSS is the provider host's VmHWM. The host alone (Pulumi's dynamic-provider host with ` +
        `@pulumi/pulumi loaded, before any provider code): ${megabytes(Math.min(...starts))}–` +
        `${megabytes(Math.max(...starts))} MB.`,
      "",
    );
  }

  const oursBytes = report.results.find((r) => r.provider === "ours")?.providerBytes;
  const naiveBytes = report.results.find((r) => r.provider === "naive")?.providerBytes;
  if (oursBytes !== undefined) {
    lines.push(
      `\`__provider\` per resource: ${pair(`${oursBytes} B`, naiveBytes === undefined ? undefined : `${naiveBytes} B`)}` +
        (naiveBytes === undefined ? "" : ` (ratio ${ratio(oursBytes, naiveBytes)})`) +
        ".",
      "",
    );
  }

  const bulk = report.results
    .filter((r) => r.provider === "ours" && r.requests.patchesApplied >= MIN_PATCHES_FOR_RATE)
    .sort((a, b) => b.requests.patchesApplied - a.requests.patchesApplied)[0];
  if (bulk?.requests.patchesPerSecond !== undefined) {
    lines.push(
      `Bulk changes: ${bulk.requests.patchesApplied} PATCHes at ${bulk.requests.patchesPerSecond.toFixed(1)}/s ` +
        `(k = ${bulk.k}, ${SCENARIO_TITLES[bulk.scenario]}; pacer ${settings.pacerRatePerSecond}/s).`,
      "",
    );
  }

  if (report.cli !== undefined) {
    const cli = report.cli;
    lines.push(
      `## Through the real pulumi CLI (k = ${cli.k}, T = ${cli.users}, pulumi ${cli.pulumiVersion})`,
      "",
      "| command | API requests | reads | PATCHes | 429s | budget | wall time (s) |",
      "|---|---:|---:|---:|---:|---:|---:|",
    );
    for (const op of cli.operations) {
      lines.push(
        `| \`${op.command}\` | ${op.requests.total} | ${readsOf(op.requests)} | ` +
          `${op.requests.patches}/${op.expectedPatches} | ${op.requests.rateLimited} | ≤ ${op.budget}` +
          `${op.enginePasses > 1 ? ` (${op.enginePasses} passes)` : ""} | ` +
          `${seconds(op.wallMs)} |`,
      );
    }
    lines.push("");
    if (cli.providerBytes !== undefined) {
      lines.push(`\`__provider\` per resource in the CLI run's state: ${cli.providerBytes} B.`, "");
    }
  }

  lines.push(
    ...allowlistSection(report.allowlists),
    ...policySection(report.policy),
    ...keySection(report.keys ?? []),
  );

  lines.push("## Targets", "", "| target | status | measured |", "|---|---|---|");
  for (const check of report.targets) {
    lines.push(`| ${check.target} | ${check.status} | ${check.detail} |`);
  }
  if (chartFile !== undefined) {
    lines.push("", `![Wall time against k, ours, naive and the floor](${chartFile})`);
  }
  lines.push("");
  return lines.join("\n");
}
