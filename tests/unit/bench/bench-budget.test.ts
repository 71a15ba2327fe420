import { withinBudget, type ScenarioResult } from "../../../bench/scenario-result";

/** A result of ours at k = 10,000 over T = 20,000 users: 41 list pages, then `keyChecks`. */
function result(
  scenario: ScenarioResult["scenario"],
  { patches, changes, keyChecks }: { patches: number; changes: number; keyChecks: number },
): ScenarioResult {
  return {
    provider: "ours",
    k: 10_000,
    users: 20_000,
    scenario,
    requests: {
      total: 41 + patches + keyChecks,
      lists: 41,
      gets: 0,
      patches,
      patchesApplied: patches,
      rateLimited: 0,
      patchesPerSecond: undefined,
      byRoute: {
        "GET /users": 41,
        "PATCH /users/:id": patches,
        "GET /users/:id/apikeys": keyChecks,
      },
    },
    failures: 0,
    changes,
    expectedPatches: patches,
    wallMs: 1,
    peakRssBytes: undefined,
    startRssBytes: undefined,
    providerBytes: 0,
  };
}

describe("the bench's request budget: key checks guard the writes they precede", () => {
  it("a preview may check the keys of the admins it plans to turn off (one per reported change)", () => {
    // Measured at k = 10,000: the drift preview read 49 key lists for 1,000 drifted resources.
    expect(
      withinBudget(result("drift-preview", { patches: 0, changes: 1000, keyChecks: 49 })),
    ).toBe(true);
    expect(withinBudget(result("drift-preview", { patches: 0, changes: 48, keyChecks: 49 }))).toBe(
      false,
    );
    expect(withinBudget(result("preview", { patches: 0, changes: 0, keyChecks: 1 }))).toBe(false);
  });

  it("an up checks at most one key list per PATCH it sends", () => {
    expect(withinBudget(result("drift-up", { patches: 1000, changes: 1000, keyChecks: 49 }))).toBe(
      true,
    );
    expect(withinBudget(result("drift-up", { patches: 10, changes: 1000, keyChecks: 11 }))).toBe(
      false,
    );
  });
});
