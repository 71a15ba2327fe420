/**
 * The UserApiKey budget as request counts, through the benchmark's own key run
 * (bench/key-scenarios.ts) at small scale: 12 keys over 6 users, the first key of 3 users due
 * after the clock moves 25 days. Each pass reads each user's keys once (the list shared by the
 * user's keys) plus the users page; the first up makes every key with one POST each; the
 * rotation makes one POST per due key and deletes nothing (keepPrevious); the floor sends
 * nothing and plans the same changes.
 *
 * Needs `npm run build`: the serialized provider loads the built package, as it does in a stack.
 */
import { FloorUserApiKeyProvider } from "../../bench/floor-key-provider";
import {
  checkKeyTargets,
  compareKeysWithFloor,
  keyReadBudget,
  type KeyScenarioName,
  type KeyScenarioResult,
} from "../../bench/key-results";
import { runKeys } from "../../bench/key-scenarios";
import { keyShim } from "../../sdk/provider-shim";
import { useBenchRun } from "../support/bench-run";
import { serializeProvider } from "../support/provider-host";

const users = 6;
const keysPerUser = 2;
const due = 3;

const run = useBenchRun<KeyScenarioResult>(keyShim, async (setup) =>
  runKeys({
    ...setup,
    providerTexts: {
      ours: setup.providerText,
      floor: await serializeProvider(new FloorUserApiKeyProvider()),
    },
    users,
    keysPerUser,
    due,
    parallel: 8,
  }),
);

function ours(name: KeyScenarioName): KeyScenarioResult {
  const found = run.results.find((r) => r.provider === "ours" && r.scenario === name);
  if (found === undefined) throw new Error(`no result of ours for ${name}`);
  return found;
}

describe("12 UserApiKeys over 6 users, 3 of them due 25 days later", () => {
  it("runs every scenario for ours and the floor, with no 429 and no failed step", () => {
    expect(run.results.map((r) => `${r.provider} ${r.scenario}`)).toStrictEqual(
      [
        "keys-first-up",
        "keys-preview-none-due",
        "keys-preview-due",
        "keys-rotate-up",
        "keys-no-change-up",
      ].flatMap((s) => [`floor ${s}`, `ours ${s}`]),
    );
    for (const r of run.results) {
      expect(r.firstFailure).toBeUndefined();
      expect(r.requests.rateLimited).toBe(0);
    }
    expect(checkKeyTargets(run.results).map((t) => t.status)).toStrictEqual(["met"]);
  });

  it("the floor sends nothing and plans the same changes as ours", () => {
    for (const r of run.results.filter((x) => x.provider === "floor")) {
      expect(r.requests.total).toBe(0);
      expect(r.changes).toBe(ours(r.scenario).changes);
    }
    expect(compareKeysWithFloor(run.results)).toHaveLength(5);
  });

  it("the first up reads each user's keys once and makes every key with one POST", () => {
    expect(ours("keys-first-up").requests.byRoute).toStrictEqual({
      "GET /users": 1,
      "GET /users/:id/apikeys": users,
      "POST /users/:id/apikeys": users * keysPerUser,
    });
    expect(ours("keys-first-up").changes).toBe(users * keysPerUser);
  });

  it("a preview reads each user's keys once, writes nothing, and plans only the due keys", () => {
    for (const name of ["keys-preview-none-due", "keys-preview-due"] as const) {
      expect(ours(name).requests.byRoute).toStrictEqual({
        "GET /users": 1,
        "GET /users/:id/apikeys": users,
      });
    }
    expect(ours("keys-preview-none-due").changes).toBe(0);
    expect(ours("keys-preview-due").changes).toBe(due);
    expect(keyReadBudget(ours("keys-preview-due"))).toBe(users + 1);
  });

  it("the rotation makes one key per due key and deletes none; the next up writes nothing", () => {
    expect(ours("keys-rotate-up").requests.byRoute).toStrictEqual({
      "GET /users": 1,
      "GET /users/:id/apikeys": users,
      "POST /users/:id/apikeys": due,
    });
    expect(ours("keys-no-change-up").requests.byRoute).toStrictEqual({
      "GET /users": 1,
      "GET /users/:id/apikeys": users,
    });
    // Every user holds its seeded default key and its declared keys, plus one previous key
    // each for the due users.
    const held = run.emulator.listUsers().map((user) => run.emulator.listApiKeys(user.id).length);
    expect(held.reduce((a, b) => a + b, 0)).toBe(users * (1 + keysPerUser) + due);
  });
});
