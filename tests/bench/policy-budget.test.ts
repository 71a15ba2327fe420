/**
 * The ApiAccessPolicy budget as request counts, through the benchmark's own policy run
 * (bench/policy-scenarios.ts) at small scale: T = 1,500 users (3 list pages), 15 of them
 * API-enabled violators, 3 allowed. Each engine pass reads the list pages once; an up sends
 * exactly one PATCH per violator it disables, and nothing else.
 *
 * Needs `npm run build`: the serialized provider loads the built package, as it does in a stack.
 */
import {
  policyReadBudget,
  type PolicyScenarioName,
  type PolicyScenarioResult,
} from "../../bench/policy-results";
import { runPolicy } from "../../bench/policy-scenarios";
import { policyShim } from "../../sdk/provider-shim";
import { useBenchRun } from "../support/bench-run";

const users = 1500;

const run = useBenchRun<PolicyScenarioResult>(policyShim, (setup) =>
  runPolicy({ ...setup, users, parallel: 8 }),
);
const scenario = (name: PolicyScenarioName) => run.scenario(name);

describe("one ApiAccessPolicy over 1,500 users, 1% of them violators", () => {
  it("reads the 3 list pages once per engine pass, with no 429 and no failed step", () => {
    expect(policyReadBudget(users)).toBe(3);
    for (const r of run.results) {
      expect(r.firstFailure).toBeUndefined();
      expect(r.requests.rateLimited).toBe(0);
      expect(r.requests.byRoute["GET /users"]).toBe(3);
    }
  });

  it("previews the new policy without writing: 15 violators found, 15 left", () => {
    const preview = scenario("policy-preview");

    expect(preview.requests.byRoute).toStrictEqual({ "GET /users": 3 });
    expect(preview.changes).toBe(1);
    expect([preview.violatorsBefore, preview.violatorsAfter]).toStrictEqual([15, 15]);
  });

  it("disables the 15 violators on the first up with one PATCH each", () => {
    const up = scenario("policy-first-up");

    expect(up.requests.byRoute).toStrictEqual({ "GET /users": 3, "PATCH /users/:id": 15 });
    expect(up.requests.patchesApplied).toBe(15);
    expect([up.violatorsBefore, up.violatorsAfter]).toStrictEqual([15, 0]);
  });

  it("plans no change on the next up and writes nothing", () => {
    const up = scenario("policy-no-change");

    expect(up.requests.byRoute).toStrictEqual({ "GET /users": 3 });
    expect(up.changes).toBe(0);
  });

  it("disables the 2 violators turned back on, with one PATCH each", () => {
    const up = scenario("policy-drift-up");

    expect(up.requests.byRoute).toStrictEqual({ "GET /users": 3, "PATCH /users/:id": 2 });
    expect(up.changes).toBe(1);
    expect([up.violatorsBefore, up.violatorsAfter]).toStrictEqual([2, 0]);
  });

  it("leaves the 3 allowed users with API access, and nobody else", () => {
    const enabled = run.emulator.listUsers().filter((user) => user.api_enabled);

    expect(enabled.map((user) => user.email).sort()).toStrictEqual([
      "user1250@example.com",
      "user250@example.com",
      "user750@example.com",
    ]);
  });
});
