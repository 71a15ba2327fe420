/**
 * What the ApiAccessPolicy run records, and its budget: the list pages (shared with
 * UserApiAccess in one provider process) plus one PATCH per violator disabled. Pure.
 */
import { MAX_PER_PAGE } from "../provider/client/users-client";
import { getsOf, writesOf, type RequestTally } from "./measure";
import type { TargetCheck } from "./scenario-result";

export const POLICY_SCENARIOS = [
  "policy-preview",
  "policy-first-up",
  "policy-no-change",
  "policy-drift-up",
] as const;
export type PolicyScenarioName = (typeof POLICY_SCENARIOS)[number];

export const POLICY_SCENARIO_TITLES: Record<PolicyScenarioName, string> = {
  "policy-preview": "preview of the new policy (Check)",
  "policy-first-up": "first up: every violator disabled (Check, Create)",
  "policy-no-change": "up without changes (Check, Diff)",
  "policy-drift-up": "up after a tenth of them were re-enabled (Check, Diff, Update)",
};

export interface PolicyScenarioResult {
  /** Users in the account (T). */
  users: number;
  /** Users the policy allows (all API-enabled). */
  allowed: number;
  /** The policy's cap on how many one update disables. */
  maxDisabled: number;
  scenario: PolicyScenarioName;
  /** API-enabled users outside `allowed` when the scenario starts. */
  violatorsBefore: number;
  /** … and when it ends. */
  violatorsAfter: number;
  requests: RequestTally;
  failures: number;
  firstFailure?: string;
  /** Creates or updates done; for preview, the steps that planned a change. */
  changes: number;
  /** PATCHes the scenario must send: the violators at its start, or none for a preview. */
  expectedPatches: number;
  wallMs: number;
  peakRssBytes: number | undefined;
}

/** ⌈T/500⌉: the whole list, read once. */
export function policyReadBudget(users: number): number {
  return Math.ceil(users / MAX_PER_PAGE);
}

export function withinPolicyBudget(r: PolicyScenarioResult): boolean {
  return (
    getsOf(r.requests) <= policyReadBudget(r.users) &&
    writesOf(r.requests) === r.expectedPatches &&
    r.requests.patches === r.expectedPatches
  );
}

export function checkPolicyTargets(results: readonly PolicyScenarioResult[]): TargetCheck[] {
  const target =
    "ApiAccessPolicy: ≤ ⌈T/500⌉ reads (the list pages) + exactly one PATCH per violator disabled; " +
    "no 429, no failed step, no violator left after an up";
  if (results.length === 0) return [{ target, status: "not measured", detail: "not run" }];
  const missed = results.filter(
    (r) =>
      !withinPolicyBudget(r) ||
      r.requests.rateLimited > 0 ||
      r.failures > 0 ||
      (r.scenario !== "policy-preview" && r.violatorsAfter > 0),
  );
  const users = results[0]?.users ?? 0;
  return [
    {
      target,
      status: missed.length === 0 ? "met" : "missed",
      detail:
        missed.length === 0
          ? `T = ${users}: ${results.length} scenarios within budget, 0 × 429`
          : missed
              .map(
                (r) =>
                  `${r.scenario}: ${getsOf(r.requests)} reads (budget ${policyReadBudget(r.users)}), ` +
                  `${r.requests.patches} PATCHes (expected ${r.expectedPatches}), ` +
                  `${r.requests.rateLimited} × 429, ${r.failures} failed, ${r.violatorsAfter} violators left`,
              )
              .join("; "),
    },
  ];
}
