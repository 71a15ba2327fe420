/**
 * The Markdown of the allowlist and ApiAccessPolicy runs, and their progress lines.
 */
import {
  ALLOWLIST_SCENARIO_TITLES,
  allowlistReadBudget,
  allowlistReadsOf,
  withinAllowlistBudget,
  type AllowlistScenarioResult,
} from "./allowlist-results";
import {
  compareKeysWithFloor,
  KEY_SCENARIO_TITLES,
  keyDeletesOf,
  keyListsOf,
  keyPostsOf,
  keyReadBudget,
  withinKeyBudget,
  type KeyScenarioResult,
} from "./key-results";
import { getsOf, writesOf, type RequestTally } from "./measure";
import {
  POLICY_SCENARIO_TITLES,
  policyReadBudget,
  withinPolicyBudget,
  type PolicyScenarioResult,
} from "./policy-results";

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

/** "GET /users 4, GET /users/:id/ip-whitelist 50, POST … 50": every route the scenario used. */
export function routeList(requests: RequestTally): string {
  const routes = Object.entries(requests.byRoute).sort(([a], [b]) => a.localeCompare(b));
  return routes.length === 0 ? "none" : routes.map(([route, n]) => `${route} ${n}`).join(", ");
}

export function allowlistLine(r: AllowlistScenarioResult): string {
  return (
    `k=${String(r.k).padEnd(5)} allowlist ${r.scenario.padEnd(24)} ${r.requests.total} requests ` +
    `(${getsOf(r.requests)} reads, ${writesOf(r.requests)} writes), ${r.requests.rateLimited} × 429, ` +
    `${r.failures} failed, ${seconds(r.wallMs)} s`
  );
}

export function policyLine(r: PolicyScenarioResult): string {
  return (
    `T=${r.users} policy ${r.scenario.padEnd(17)} ${r.requests.total} requests ` +
    `(${getsOf(r.requests)} reads, ${r.requests.patches} PATCH), ${r.requests.rateLimited} × 429, ` +
    `${r.failures} failed, ${seconds(r.wallMs)} s`
  );
}

export function allowlistSection(results: readonly AllowlistScenarioResult[]): string[] {
  const first = results[0];
  if (first === undefined) return [];
  const lines = [
    "## allowedIps (ours)",
    "",
    `The same fleet (T = 2k users, every other one declared), with \`allowedIps: ["45.76.0.0/16"]\` ` +
      `on every other declared resource (⌈k/2⌉ of them; the others cost no allowlist request). ` +
      `First up replaces each user's two default entries (0.0.0.0/0, ::/0) by the declared range: ` +
      `one POST and two DELETEs each. Then a tenth of the declaring users get 8.8.8.0/24 in place ` +
      `of the range in the emulator (\`setAllowlist\`): the preview plans their repair, the up ` +
      `adds the range back and removes 8.8.8.0/24. Budget: reads ≤ min(k, ⌈T/500⌉) + 1 + ` +
      `(resources declaring allowedIps), not counting the key checks before removing entries of a ` +
      `manage_users holder's list; writes = one per entry added or removed (+ PATCHes, none here).`,
    "",
    "| k | declaring | scenario | requests by route | reads / budget | writes / expected | 429s | failed | changes | off target after | wall time (s) |",
    "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.k} | ${r.declaring} | ${ALLOWLIST_SCENARIO_TITLES[r.scenario]} | ${routeList(r.requests)} | ` +
        `${allowlistReadsOf(r.requests)} / ${allowlistReadBudget(r.k, r.users, r.declaring)} | ` +
        `${writesOf(r.requests)} / ${r.expectedWrites} ${withinAllowlistBudget(r) ? "✓" : "✗"} | ` +
        `${r.requests.rateLimited} | ${r.failures} | ${r.changes} | ${r.offTargetAfter} | ${seconds(r.wallMs)} |`,
    );
  }
  lines.push("");
  return lines;
}

export function policySection(results: readonly PolicyScenarioResult[]): string[] {
  const first = results[0];
  if (first === undefined) return [];
  const lines = [
    `## ApiAccessPolicy (T = ${first.users})`,
    "",
    `One ApiAccessPolicy (\`allowed\`: ${first.allowed} API-enabled users by id, ` +
      `\`maxDisabled: ${first.maxDisabled}\`) over an account where every hundredth user is an ` +
      `API-enabled violator and nobody holds manage_users. Before the last up, a tenth of the ` +
      `disabled violators are turned back on in the emulator. Budget: reads ≤ ⌈T/500⌉ (the list ` +
      `pages), exactly one PATCH per violator disabled.`,
    "",
    "| scenario | violators before → after | requests by route | reads / budget | PATCHes / expected | 429s | failed | wall time (s) |",
    "|---|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    lines.push(
      `| ${POLICY_SCENARIO_TITLES[r.scenario]} | ${r.violatorsBefore} → ${r.violatorsAfter} | ` +
        `${routeList(r.requests)} | ${getsOf(r.requests)} / ${policyReadBudget(r.users)} | ` +
        `${r.requests.patches} / ${r.expectedPatches} ${withinPolicyBudget(r) ? "✓" : "✗"} | ` +
        `${r.requests.rateLimited} | ${r.failures} | ${seconds(r.wallMs)} |`,
    );
  }
  lines.push("");
  return lines;
}

export function keyLine(r: KeyScenarioResult, results: readonly KeyScenarioResult[]): string {
  const ratio =
    r.provider === "ours"
      ? compareKeysWithFloor(results).find((c) => c.scenario === r.scenario)?.wallRatio
      : undefined;
  return (
    `keys ${r.provider.padEnd(5)} ${r.scenario.padEnd(21)} ${r.requests.total} requests ` +
    `(${keyListsOf(r.requests)} key lists, ${keyPostsOf(r.requests)} POST, ` +
    `${keyDeletesOf(r.requests)} DELETE), ${r.changes} changes, ${r.requests.rateLimited} × 429, ` +
    `${r.failures} failed, ${seconds(r.wallMs)} s` +
    (ratio === undefined ? "" : ` (${ratio.toFixed(2)}× the floor)`)
  );
}

export function keySection(results: readonly KeyScenarioResult[]): string[] {
  const first = results[0];
  if (first === undefined) return [];
  const floor = compareKeysWithFloor(results);
  const lines = [
    `## UserApiKey (${first.keys} keys over ${first.users} users, ${first.due} due)`,
    "",
    `${first.keys / first.users} keys per user (\`lifetimeDays\` 90, rotation 30 days before), ` +
      `except the first key of ${first.due} users (30 days, 10 before). After the first up the ` +
      `emulator's clock moves 25 days: those ${first.due} keys are due, the others not. Ours next ` +
      `to the floor (a provider that answers without a request, told which keys are due), each ` +
      `scenario a fresh host, the floor right before ours. Budget: ≤ one key-list read per user ` +
      `per pass (+ ⌈T/500⌉ users pages), one POST per key made, one DELETE per key retired ` +
      `(keepPrevious: none on a first rotation).`,
    "",
    "| scenario | requests by route | reads / budget | POST / expected | DELETE / expected | changes / expected | 429s | failed | ours (s) | floor (s) | ours ÷ floor |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results.filter((x) => x.provider === "ours")) {
    const c = floor.find((x) => x.scenario === r.scenario);
    lines.push(
      `| ${KEY_SCENARIO_TITLES[r.scenario]} | ${routeList(r.requests)} | ` +
        `${getsOf(r.requests)} / ${keyReadBudget(r)} | ${keyPostsOf(r.requests)} / ${r.expectedPosts} | ` +
        `${keyDeletesOf(r.requests)} / ${r.expectedDeletes} ${withinKeyBudget(r) ? "✓" : "✗"} | ` +
        `${r.changes} / ${r.expectedChanges} | ${r.requests.rateLimited} | ${r.failures} | ` +
        `${seconds(r.wallMs)} | ${c === undefined ? "n/a" : seconds(c.floorWallMs)} | ` +
        `${c === undefined ? "n/a" : `${c.wallRatio.toFixed(2)}×`} |`,
    );
  }
  lines.push("");
  return lines;
}
