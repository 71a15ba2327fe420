/**
 * The allowlist budget (DESIGN.md, phase 2) as request counts, through the benchmark's own
 * allowlist run (bench/allowlist-scenarios.ts) at small scale: k = 10 resources over T = 1,200
 * users (3 list pages), 5 of them declaring `allowedIps`. Each engine pass reads the users list
 * within min(k, ⌈T/500⌉) + 1 and each declaring user's allowlist exactly once; each entry added
 * or removed is one request.
 *
 * Needs `npm run build`: the serialized provider loads the built package, as it does in a stack.
 */
import type { RunningEmulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import { DECLARED_RANGE } from "../../bench/allowlist-fleet";
import {
  allowlistReadBudget,
  type AllowlistScenarioName,
  type AllowlistScenarioResult,
} from "../../bench/allowlist-results";
import { runAllowlistFleet } from "../../bench/allowlist-scenarios";
import { seedAccount } from "../../bench/fleet";
import { getsOf } from "../../bench/measure";
import { providerShim } from "../../sdk/provider-shim";
import { useBenchRun } from "../support/bench-run";

const k = 10;
const users = 1200;
const declaring = 5;
const LIST = "GET /users/:id/ip-whitelist";
const ADD = "POST /users/:id/ip-whitelist";
const REMOVE = "DELETE /users/:id/ip-whitelist";

const run = useBenchRun<AllowlistScenarioResult>(providerShim, (setup) =>
  runAllowlistFleet({ ...setup, k, users, parallel: 8 }),
);
const scenario = (name: AllowlistScenarioName) => run.scenario(name);

function route(r: AllowlistScenarioResult, name: string): number {
  return r.requests.byRoute[name] ?? 0;
}

describe("a fleet of 10 resources over 1,200 users, every other one declaring allowedIps", () => {
  it("has a read budget of min(k, ⌈T/500⌉) + 1 + 5 = 9 per engine pass", () => {
    expect(allowlistReadBudget(k, users, declaring)).toBe(9);
    expect(run.results.map((r) => r.declaring)).toStrictEqual([5, 5, 5, 5]);
    expect(run.results.map((r) => r.drifted)).toStrictEqual([1, 1, 1, 1]);
  });

  it("every scenario: no failed step, no 429, at most the budget's reads, one allowlist read per declaring resource", () => {
    for (const r of run.results) {
      expect(r.firstFailure).toBeUndefined();
      expect(r.requests.rateLimited).toBe(0);
      expect(getsOf(r.requests)).toBeLessThanOrEqual(9);
      expect(route(r, LIST)).toBe(declaring);
      expect(route(r, "PATCH /users/:id")).toBe(0);
    }
  });

  it("first up replaces the two default entries of each declaring user: one POST and two DELETEs each", () => {
    const up = scenario("allowlist-first-up");

    expect(up.expectedWrites).toBe(15);
    expect(route(up, ADD)).toBe(5);
    expect(route(up, REMOVE)).toBe(10);
    expect(up.offTargetAfter).toBe(0);
  });

  it("previews without drift planning no change and writing nothing", () => {
    const preview = scenario("allowlist-preview");

    expect(preview.changes).toBe(0);
    expect(route(preview, ADD) + route(preview, REMOVE)).toBe(0);
  });

  it("previews drift on one user as one planned change, writing nothing", () => {
    const preview = scenario("allowlist-drift-preview");

    expect(preview.changes).toBe(1);
    expect(route(preview, ADD) + route(preview, REMOVE)).toBe(0);
    expect(preview.offTargetAfter).toBe(1);
  });

  it("repairs the drift with one POST and one DELETE", () => {
    const up = scenario("allowlist-drift-up");

    expect(up.changes).toBe(1);
    expect(up.expectedWrites).toBe(2);
    expect(route(up, ADD)).toBe(1);
    expect(route(up, REMOVE)).toBe(1);
    expect(up.offTargetAfter).toBe(0);
  });

  it("changes the allowlists of the 5 declaring users only, to exactly the declared range", async () => {
    // The same generated account, untouched, in another emulator: what every allowlist was.
    const untouched = await startEmulator({ latencyMs: 0 });
    try {
      seedAccount(untouched, users);
      const entries = (account: RunningEmulator, id: string) =>
        account
          .getAllowlist(id)
          .map((e) => `${e.subnet}/${e.subnet_size}`)
          .sort();
      const changed = run.emulator
        .listUsers()
        .filter(
          (user) =>
            JSON.stringify(entries(run.emulator, user.id)) !==
            JSON.stringify(entries(untouched, user.id)),
        );

      expect(run.emulator.listUsers()).toHaveLength(users);
      expect(changed).toHaveLength(declaring);
      for (const user of changed) {
        expect(entries(run.emulator, user.id)).toStrictEqual([
          `${DECLARED_RANGE.subnet}/${DECLARED_RANGE.subnet_size}`,
        ]);
      }
    } finally {
      await untouched.close();
    }
  });
});
