/**
 * One scenario of a benchmark run: what it records, its request budget, and the shape of a target
 * check. A leaf module: the run's results and each part's results (floor, allowlists, policy)
 * import it. Pure.
 */
import type { RequestTally } from "./measure";

/** Ours, the naive baseline, and the floor (a provider that does nothing: bench/floor-provider.ts). */
export type ProviderKind = "ours" | "naive" | "floor";

export const SCENARIOS = [
  "first-up",
  "preview",
  "drift-preview",
  "drift-up",
  "refresh",
  "destroy",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  "first-up": "first up",
  preview: "preview, no drift",
  "drift-preview": "preview, 10% drift",
  "drift-up": "up, 10% drift",
  refresh: "refresh",
  destroy: "destroy",
};

export interface ScenarioResult {
  provider: ProviderKind;
  /** Resources declared. */
  k: number;
  /** Users in the account (T). */
  users: number;
  scenario: ScenarioName;
  requests: RequestTally;
  /** Steps that failed (the naive provider does not retry). */
  failures: number;
  /** The first failure's message, as the user would see it. */
  firstFailure?: string;
  /** Creates, updates or deletes done; for preview, the diffs that reported a change. */
  changes: number;
  /** PATCHes the scenario needs: live values that differ from their target at its start. */
  expectedPatches: number;
  /** From Configure to the last step's answer (the host's start-up is not included). */
  wallMs: number;
  /** The provider host's peak resident set size (VmHWM); undefined without /proc. */
  peakRssBytes: number | undefined;
  /** The host's VmHWM as it started, before any provider code loaded: Pulumi's own share. */
  startRssBytes: number | undefined;
  /** Bytes of the `__provider` text stored with every resource. */
  providerBytes: number;
}

export interface TargetCheck {
  target: string;
  status: "met" | "missed" | "not measured";
  detail: string;
}

/** The budget for reads: min(k, ⌈T/500⌉) + 1 requests (DESIGN.md, "The directory"). */
export function readBudget(k: number, users: number): number {
  return Math.min(k, Math.ceil(users / 500)) + 1;
}

/**
 * The self-revocation check: before turning API access off for a `manage_users` holder, the
 * provider reads that user's keys once (README, "Never revoking its own key"). It belongs to
 * the write it guards, not to the reads of the directory.
 */
export function keyChecksOf(requests: RequestTally): number {
  return requests.byRoute["GET /users/:id/apikeys"] ?? 0;
}

/** Every request that is neither a PATCH nor the key check guarding one. */
export function readsOf(requests: RequestTally): number {
  return requests.total - requests.patches - keyChecksOf(requests);
}

export function withinBudget(result: ScenarioResult): boolean {
  return (
    readsOf(result.requests) <= readBudget(result.k, result.users) &&
    result.requests.patches === result.expectedPatches &&
    keyChecksOf(result.requests) <= guardedWrites(result)
  );
}

/**
 * How many key checks a scenario may make: one per write that turns a `manage_users` holder off.
 * An up guards the PATCHes it sends; a preview asks before it plans them (issue 16: preview
 * predicts the self-revocation refusal), so there the bound is the changes it reported.
 */
export function guardedWrites(result: ScenarioResult): number {
  return result.scenario.endsWith("preview") ? result.changes : result.requests.patches;
}
