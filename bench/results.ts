/**
 * What a benchmark run records, and the targets checked against it. Pure.
 */
import type { AllowlistScenarioResult } from "./allowlist-results";
import { checkFloorTargets, compareWithFloor, type FloorComparison } from "./floor-comparison";
import type { RequestTally } from "./measure";
import type { KeyScenarioResult } from "./key-results";
import type { PolicyScenarioResult } from "./policy-results";
import {
  readBudget,
  readsOf,
  withinBudget,
  type ScenarioResult,
  type TargetCheck,
} from "./scenario-result";

export {
  keyChecksOf,
  readBudget,
  readsOf,
  SCENARIO_TITLES,
  SCENARIOS,
  withinBudget,
  type ProviderKind,
  type ScenarioName,
  type ScenarioResult,
  type TargetCheck,
} from "./scenario-result";

export interface CliOperation {
  command: string;
  requests: RequestTally;
  wallMs: number;
  /** The budget this operation must meet, in requests: reads per engine pass, plus PATCHes. */
  budget: number;
  expectedPatches: number;
  /** 2 for `up` without --skip-preview: a preview pass, then the update, each its own provider process. */
  enginePasses: number;
}

export interface CliRun {
  k: number;
  users: number;
  pulumiVersion: string;
  operations: CliOperation[];
  /** `__provider` bytes per resource, from the exported state. */
  providerBytes: number | undefined;
}

export interface RunSettings {
  mode: string;
  ks: number[];
  latencyMs: number;
  rateLimitPerSecond: number;
  parallel: number;
  /** Our provider's pacing (its default unless VULTR_MAX_RPS says otherwise). */
  pacerRatePerSecond: number;
  /** The naive provider runs only up to this k (it takes minutes above). */
  naiveMaxK: number;
  /** The allowlist run goes up to this k (each declaring resource costs a read per pass). */
  allowlistMaxK: number;
  /** T of the ApiAccessPolicy run; 0 when it was not run. */
  policyUsers: number;
  /** Users of the UserApiKey run (5 keys each, half of them with one key due); 0 when not run. */
  keyUsers?: number;
}

export interface BenchReport {
  startedAt: string;
  durationMs: number;
  environment: {
    node: string;
    platform: string;
    cpus: number;
    pulumiSdk: string;
    /**
     * The 1, 5 and 15 minute load averages as the run started and ended: on a shared machine
     * the wall times, and even the ratios to the floor, move with them.
     */
    loadAverage?: { start: number[]; end: number[] };
  };
  settings: RunSettings;
  results: ScenarioResult[];
  /** Ours ÷ the floor, per scenario and k of the run. */
  floor: FloorComparison[];
  cli?: CliRun;
  /** Ours with `allowedIps` on every other resource, per k up to allowlistMaxK. */
  allowlists: AllowlistScenarioResult[];
  /** One ApiAccessPolicy over policyUsers users. */
  policy: PolicyScenarioResult[];
  /** UserApiKey: ours and the floor per scenario (absent from runs before it existed). */
  keys?: KeyScenarioResult[];
  targets: TargetCheck[];
}

const KIB = 1024;
export const PROVIDER_BYTES_LIMIT = 3 * KIB;
/** Below this many PATCHes a throughput figure says more about the burst than the rate. */
export const MIN_PATCHES_FOR_RATE = 50;

export function checkTargets(
  results: readonly ScenarioResult[],
  settings: RunSettings,
  cli?: CliRun,
): TargetCheck[] {
  const ours = results.filter((r) => r.provider === "ours");
  const checks: TargetCheck[] = [];

  const overBudget = ours.filter((r) => !withinBudget(r));
  checks.push({
    target:
      "preview, up without changes, refresh, destroy: ≤ min(k, ⌈T/500⌉) + 1 reads; up: + exactly c PATCHes",
    status: ours.length === 0 ? "not measured" : overBudget.length === 0 ? "met" : "missed",
    detail:
      overBudget.length === 0
        ? `${ours.length} scenarios within budget`
        : overBudget
            .map(
              (r) =>
                `k=${r.k} ${r.scenario}: ${readsOf(r.requests)} reads (budget ${readBudget(r.k, r.users)}), ` +
                `${r.requests.patches} PATCHes (expected ${r.expectedPatches})`,
            )
            .join("; "),
  });

  const rateLimited = ours.reduce((sum, r) => sum + r.requests.rateLimited, 0);
  const failures = ours.reduce((sum, r) => sum + r.failures, 0);
  checks.push({
    target: "zero 429s (and no failed step)",
    status:
      ours.length === 0 ? "not measured" : rateLimited === 0 && failures === 0 ? "met" : "missed",
    detail: `${rateLimited} × 429, ${failures} failed steps over ${ours.length} scenarios`,
  });

  const bulk = ours
    .filter((r) => r.requests.patchesApplied >= MIN_PATCHES_FOR_RATE)
    .sort((a, b) => b.requests.patchesApplied - a.requests.patchesApplied)[0];
  const wanted = 0.9 * settings.pacerRatePerSecond;
  const rate = bulk?.requests.patchesPerSecond;
  checks.push({
    target: `bulk changes at ≥ 90% of the configured rate (${settings.pacerRatePerSecond}/s)`,
    status:
      bulk === undefined || rate === undefined ? "not measured" : rate >= wanted ? "met" : "missed",
    detail:
      bulk === undefined || rate === undefined
        ? `no scenario with ≥ ${MIN_PATCHES_FOR_RATE} PATCHes in this run (k = 1000 has 100)`
        : `${rate.toFixed(1)} PATCH/s over ${bulk.requests.patchesApplied} PATCHes (k=${bulk.k} ${bulk.scenario}); ` +
          `${((100 * rate) / settings.pacerRatePerSecond).toFixed(0)}% of ${settings.pacerRatePerSecond}/s`,
  });

  const providerBytes = Math.max(0, ...ours.map((r) => r.providerBytes));
  checks.push({
    target: "`__provider` ≤ 3 KiB per resource",
    status:
      ours.length === 0 ? "not measured" : providerBytes <= PROVIDER_BYTES_LIMIT ? "met" : "missed",
    detail:
      `${providerBytes} bytes serialized by the SDK` +
      (cli?.providerBytes === undefined
        ? ""
        : `; ${cli.providerBytes} bytes in the CLI run's state`),
  });

  checks.push(...checkFloorTargets(compareWithFloor(results)));

  if (cli !== undefined) {
    const over = cli.operations.filter(
      (op) =>
        op.requests.total > op.budget ||
        op.requests.patches !== op.expectedPatches ||
        op.requests.rateLimited > 0,
    );
    checks.push({
      target: `the same budget through the real pulumi CLI (k = ${cli.k}), per engine pass`,
      status: over.length === 0 ? "met" : "missed",
      detail: cli.operations
        .map((op) => `${op.command}: ${op.requests.total}/${op.budget}`)
        .join(", "),
    });
  }
  return checks;
}
