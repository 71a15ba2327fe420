/**
 * What the allowlist run records (UserApiAccess with `allowedIps`), and its budget. Pure.
 *
 * There is no bulk allowlist endpoint: each resource that declares `allowedIps` costs one
 * `GET /users/{id}/ip-whitelist` per engine pass, on top of the users list, and each entry added
 * or removed is one request. Removing an entry from a `manage_users` holder's list first reads
 * that user's keys (the running key must not be the user's: README, "Never revoking its own
 * key"); like the key check before a PATCH, it belongs to the write it guards.
 */
import { getsOf, writesOf, type RequestTally } from "./measure";
import { keyChecksOf, readBudget, type TargetCheck } from "./scenario-result";

export const ALLOWLIST_SCENARIOS = [
  "allowlist-first-up",
  "allowlist-preview",
  "allowlist-drift-preview",
  "allowlist-drift-up",
] as const;
export type AllowlistScenarioName = (typeof ALLOWLIST_SCENARIOS)[number];

export const ALLOWLIST_SCENARIO_TITLES: Record<AllowlistScenarioName, string> = {
  "allowlist-first-up": "first up, the two “any” entries replaced by the declared range",
  "allowlist-preview": "preview, no drift",
  "allowlist-drift-preview": "preview, allowlist drift on 10%",
  "allowlist-drift-up": "up repairing that drift",
};

export interface AllowlistScenarioResult {
  /** Resources declared. */
  k: number;
  /** Users in the account (T). */
  users: number;
  /** Resources that declare `allowedIps`. */
  declaring: number;
  /** Declaring resources whose allowlist was changed behind the provider's back. */
  drifted: number;
  scenario: AllowlistScenarioName;
  requests: RequestTally;
  failures: number;
  firstFailure?: string;
  /** Creates or updates done; for preview, the diffs that reported a change. */
  changes: number;
  /** Writes the scenario needs, from the emulator's state at its start: entries to add or remove, PATCHes. */
  expectedWrites: number;
  /** Declaring users whose allowlist is not the declared one when the scenario ends. */
  offTargetAfter: number;
  wallMs: number;
  peakRssBytes: number | undefined;
}

/** min(k, ⌈T/500⌉) + 1 + (resources declaring `allowedIps`) (DESIGN.md, phase 2). */
export function allowlistReadBudget(k: number, users: number, declaring: number): number {
  return readBudget(k, users) + declaring;
}

/** The GETs but the key checks that guard a write. */
export function allowlistReadsOf(requests: RequestTally): number {
  return getsOf(requests) - keyChecksOf(requests);
}

export function withinAllowlistBudget(r: AllowlistScenarioResult): boolean {
  return (
    allowlistReadsOf(r.requests) <= allowlistReadBudget(r.k, r.users, r.declaring) &&
    writesOf(r.requests) === r.expectedWrites
  );
}

/** The budget, no 429 or failed step, and every declared allowlist in place after each up. */
export function checkAllowlistTargets(results: readonly AllowlistScenarioResult[]): TargetCheck[] {
  const target =
    "allowedIps: ≤ min(k, ⌈T/500⌉) + 1 + (resources declaring allowedIps) reads; " +
    "writes: exactly one per entry added or removed (+ PATCHes); no 429, no failed step";
  if (results.length === 0) return [{ target, status: "not measured", detail: "not run" }];
  const missed = results.filter(
    (r) =>
      !withinAllowlistBudget(r) ||
      r.requests.rateLimited > 0 ||
      r.failures > 0 ||
      (r.scenario.endsWith("-up") && r.offTargetAfter > 0),
  );
  return [
    {
      target,
      status: missed.length === 0 ? "met" : "missed",
      detail:
        missed.length === 0
          ? `${results.length} scenarios within budget, 0 × 429`
          : missed
              .map(
                (r) =>
                  `k=${r.k} ${r.scenario}: ${allowlistReadsOf(r.requests)} reads ` +
                  `(budget ${allowlistReadBudget(r.k, r.users, r.declaring)}), ` +
                  `${writesOf(r.requests)} writes (expected ${r.expectedWrites}), ` +
                  `${r.requests.rateLimited} × 429, ${r.failures} failed, ${r.offTargetAfter} off target`,
              )
              .join("; "),
    },
  ];
}
