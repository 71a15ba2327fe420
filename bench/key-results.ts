/**
 * What the UserApiKey run records, and its budget: one key-list read per user per pass (shared by
 * every key of that user), the users list when a key names its user by email (none here), one
 * POST per key made and one DELETE per key retired. Ours is compared with the floor of the same
 * run (bench/floor-key-provider.ts) as a wall-time ratio. Pure.
 */
import { getsOf, type RequestTally } from "./measure";
import type { TargetCheck } from "./scenario-result";

export const KEY_SCENARIOS = [
  "keys-first-up",
  "keys-preview-none-due",
  "keys-preview-due",
  "keys-rotate-up",
  "keys-no-change-up",
] as const;
export type KeyScenarioName = (typeof KEY_SCENARIOS)[number];

export const KEY_SCENARIO_TITLES: Record<KeyScenarioName, string> = {
  "keys-first-up": "first up: every key made (Check, Create)",
  "keys-preview-none-due": "preview, no key due (Check, Diff)",
  "keys-preview-due": "preview 25 days later, some keys due (Check, Diff)",
  "keys-rotate-up": "up: the due keys rotated, keepPrevious (Check, Diff, Update)",
  "keys-no-change-up": "up right after: nothing due (Check, Diff)",
};

export type KeyProviderKind = "ours" | "floor";

export interface KeyScenarioResult {
  provider: KeyProviderKind;
  /** Users holding the keys. */
  users: number;
  /** UserApiKey resources declared. */
  keys: number;
  /** Keys due for rotation in the later scenarios. */
  due: number;
  scenario: KeyScenarioName;
  requests: RequestTally;
  failures: number;
  firstFailure?: string;
  /** Creates or updates done; for a preview, the diffs that planned a change. */
  changes: number;
  /** The changes the scenario must find. */
  expectedChanges: number;
  /** POSTs (keys made) and DELETEs (keys retired) the scenario must send. */
  expectedPosts: number;
  expectedDeletes: number;
  wallMs: number;
  peakRssBytes: number | undefined;
}

export function keyListsOf(requests: RequestTally): number {
  return requests.byRoute["GET /users/:id/apikeys"] ?? 0;
}

export function keyPostsOf(requests: RequestTally): number {
  return requests.byRoute["POST /users/:id/apikeys"] ?? 0;
}

export function keyDeletesOf(requests: RequestTally): number {
  return requests.byRoute["DELETE /users/:id/apikeys/:apikey_id"] ?? 0;
}

/**
 * Reads: one key list per user per pass, plus the users list (one page per 500 users) that the
 * running key's owner look-up and the self-revocation check share. The floor reads nothing.
 */
export function keyReadBudget(r: Pick<KeyScenarioResult, "provider" | "users">): number {
  return r.provider === "floor" ? 0 : r.users + Math.ceil(r.users / 500);
}

export function withinKeyBudget(r: KeyScenarioResult): boolean {
  const writes = r.provider === "floor" ? { posts: 0, deletes: 0 } : undefined;
  return (
    getsOf(r.requests) <= keyReadBudget(r) &&
    keyListsOf(r.requests) <= (r.provider === "floor" ? 0 : r.users) &&
    keyPostsOf(r.requests) === (writes?.posts ?? r.expectedPosts) &&
    keyDeletesOf(r.requests) === (writes?.deletes ?? r.expectedDeletes) &&
    r.requests.patches === 0
  );
}

/** One scenario of ours next to the floor's: the wall-time ratio. */
export interface KeyFloorComparison {
  scenario: KeyScenarioName;
  oursWallMs: number;
  floorWallMs: number;
  wallRatio: number;
}

export function compareKeysWithFloor(results: readonly KeyScenarioResult[]): KeyFloorComparison[] {
  return results
    .filter((r) => r.provider === "ours")
    .flatMap((ours) => {
      const floor = results.find((r) => r.provider === "floor" && r.scenario === ours.scenario);
      return floor === undefined
        ? []
        : [
            {
              scenario: ours.scenario,
              oursWallMs: ours.wallMs,
              floorWallMs: floor.wallMs,
              wallRatio: ours.wallMs / floor.wallMs,
            },
          ];
    });
}

export function checkKeyTargets(results: readonly KeyScenarioResult[]): TargetCheck[] {
  const target =
    "UserApiKey: ≤ one key-list read per user per pass (+ ⌈T/500⌉ users pages), exactly one POST " +
    "per key made and one DELETE per key retired, the due keys and only they planned; no 429, no " +
    "failed step";
  if (results.length === 0) return [{ target, status: "not measured", detail: "not run" }];
  const missed = results.filter(
    (r) =>
      !withinKeyBudget(r) ||
      r.requests.rateLimited > 0 ||
      r.failures > 0 ||
      r.changes !== r.expectedChanges,
  );
  const first = results[0];
  return [
    {
      target,
      status: missed.length === 0 ? "met" : "missed",
      detail:
        missed.length === 0
          ? `${first?.keys ?? 0} keys over ${first?.users ?? 0} users, ${first?.due ?? 0} due: ` +
            `${results.length} scenarios within budget, 0 × 429`
          : missed
              .map(
                (r) =>
                  `${r.provider} ${r.scenario}: ${getsOf(r.requests)} reads (budget ${keyReadBudget(r)}), ` +
                  `${keyPostsOf(r.requests)} POSTs (expected ${r.expectedPosts}), ` +
                  `${keyDeletesOf(r.requests)} DELETEs (expected ${r.expectedDeletes}), ` +
                  `${r.changes} changes (expected ${r.expectedChanges}), ` +
                  `${r.requests.rateLimited} × 429, ${r.failures} failed` +
                  (r.firstFailure === undefined ? "" : ` (${r.firstFailure})`),
              )
              .join("; "),
    },
  ];
}
