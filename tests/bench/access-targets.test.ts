/**
 * The benchmark's verdicts for the allowlist and ApiAccessPolicy runs (pure): what they count
 * as reads and writes, and that each way of missing the budget is reported as missed.
 */
import {
  allowlistReadBudget,
  allowlistReadsOf,
  checkAllowlistTargets,
  type AllowlistScenarioResult,
} from "../../bench/allowlist-results";
import { getsOf, writesOf, type RequestTally } from "../../bench/measure";
import {
  checkPolicyTargets,
  policyReadBudget,
  type PolicyScenarioResult,
} from "../../bench/policy-results";

function tally(byRoute: Record<string, number>, rateLimited = 0): RequestTally {
  const total = Object.values(byRoute).reduce((a, b) => a + b, 0);
  const patches = byRoute["PATCH /users/:id"] ?? 0;
  return {
    total,
    lists: byRoute["GET /users"] ?? 0,
    gets: byRoute["GET /users/:id"] ?? 0,
    patches,
    patchesApplied: patches,
    rateLimited,
    patchesPerSecond: undefined,
    byRoute,
  };
}

/** k = 100 over T = 200, 50 declaring: budget 1 + 1 + 50 = 52 reads. */
function allowlistRun(
  byRoute: Record<string, number>,
  changes: Partial<AllowlistScenarioResult> = {},
): AllowlistScenarioResult {
  return {
    k: 100,
    users: 200,
    declaring: 50,
    drifted: 5,
    scenario: "allowlist-drift-up",
    requests: tally(byRoute),
    failures: 0,
    changes: 5,
    expectedWrites: 10,
    offTargetAfter: 0,
    wallMs: 1000,
    peakRssBytes: undefined,
    ...changes,
  };
}

const repair = {
  "GET /users": 1,
  "GET /users/:id": 1,
  "GET /users/:id/ip-whitelist": 50,
  "POST /users/:id/ip-whitelist": 5,
  "DELETE /users/:id/ip-whitelist": 5,
};

describe("allowlist verdicts", () => {
  it("counts every GET as a read and PATCH, POST and DELETE as writes", () => {
    expect(getsOf(tally(repair))).toBe(52);
    expect(writesOf(tally({ ...repair, "PATCH /users/:id": 2 }))).toBe(12);
    expect(allowlistReadBudget(100, 200, 50)).toBe(52);
  });

  it("meets the target at the budget exactly", () => {
    expect(checkAllowlistTargets([allowlistRun(repair)])[0]?.status).toBe("met");
  });

  it.each([
    ["one read over the budget", allowlistRun({ ...repair, "GET /users": 2 })],
    ["a write more than needed", allowlistRun({ ...repair, "POST /users/:id/ip-whitelist": 6 })],
    ["a write fewer than needed", allowlistRun({ ...repair, "DELETE /users/:id/ip-whitelist": 4 })],
    ["a 429", allowlistRun(repair, { requests: tally(repair, 1) })],
    ["a failed step", allowlistRun(repair, { failures: 1 })],
    ["an allowlist left off target by an up", allowlistRun(repair, { offTargetAfter: 1 })],
  ])("reports %s as missed", (_, run) => {
    const [check] = checkAllowlistTargets([run]);
    expect(check?.status).toBe("missed");
    expect(check?.detail).toContain("k=100 allowlist-drift-up");
  });

  it("does not count the key checks that guard removals from admins' lists as reads", () => {
    const guarded = { ...repair, "GET /users/:id/apikeys": 2 };
    expect(allowlistReadsOf(tally(guarded))).toBe(52);
    expect(checkAllowlistTargets([allowlistRun(guarded)])[0]?.status).toBe("met");
    const over = { ...guarded, "GET /users": 2 };
    expect(checkAllowlistTargets([allowlistRun(over)])[0]?.detail).toContain(
      "53 reads (budget 52)",
    );
  });

  it("does not hold a preview to the allowlists it leaves off target (it writes nothing)", () => {
    const preview = allowlistRun(
      { "GET /users": 1, "GET /users/:id/ip-whitelist": 50 },
      { scenario: "allowlist-drift-preview", expectedWrites: 0, offTargetAfter: 5 },
    );
    expect(checkAllowlistTargets([preview])[0]?.status).toBe("met");
  });
});

describe("policy verdicts", () => {
  const firstUp = (
    byRoute: Record<string, number>,
    changes: Partial<PolicyScenarioResult> = {},
  ): PolicyScenarioResult => ({
    users: 10_000,
    allowed: 20,
    maxDisabled: 200,
    scenario: "policy-first-up",
    violatorsBefore: 100,
    violatorsAfter: 0,
    requests: tally(byRoute),
    failures: 0,
    changes: 1,
    expectedPatches: 100,
    wallMs: 1000,
    peakRssBytes: undefined,
    ...changes,
  });

  it("allows the 20 list pages of 10,000 users and one PATCH per violator", () => {
    expect(policyReadBudget(10_000)).toBe(20);
    expect(
      checkPolicyTargets([firstUp({ "GET /users": 20, "PATCH /users/:id": 100 })])[0]?.status,
    ).toBe("met");
  });

  it.each([
    ["a 21st read", firstUp({ "GET /users": 21, "PATCH /users/:id": 100 })],
    ["a PATCH too many", firstUp({ "GET /users": 20, "PATCH /users/:id": 101 })],
    [
      "a key look-up on top",
      firstUp({ "GET /users": 20, "PATCH /users/:id": 100, "GET /users/:id/apikeys": 1 }),
    ],
    [
      "a violator left",
      firstUp({ "GET /users": 20, "PATCH /users/:id": 100 }, { violatorsAfter: 1 }),
    ],
  ])("reports %s as missed", (_, run) => {
    expect(checkPolicyTargets([run])[0]?.status).toBe("missed");
  });
});
