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
