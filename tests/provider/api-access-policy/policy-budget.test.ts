/**
 * The policy's request budget: the list pages, shared with UserApiAccess in one provider
 * process, plus one PATCH per violator disabled.
 */
import type { SeedUser } from "../../../emulator";
import { ProviderFixture } from "../../support/lab";
import { PolicyDriver } from "./policy-host";

describe("ApiAccessPolicy request budget", () => {
  const fixture = ProviderFixture.use({ beforeEach: "nothing" });

  it("an up with a UserApiAccess and the policy reads the 1,200-user list once (3 pages) and PATCHes each violator once", async () => {
    const policy = await PolicyDriver.start(fixture);
    // Every 240th user has API access: 5 violators; user 1 is the CI bot, granted by UserApiAccess.
    const users: SeedUser[] = Array.from({ length: 1200 }, (_, i) => ({
      email: `user${i}@example.com`,
      name: `User ${i}`,
      api_enabled: i % 240 === 0,
    }));
    const seeded = fixture.emulator.seedUsers(users);
    const ciBot = seeded[1]!;
    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();

    await fixture.adopt(host, "ci-bot", { userId: ciBot.id, apiEnabled: true, __fleetSize: 1 });
    const state = await policy.create(host, "api-access", { allowed: [ciBot.id] });

    const counts = fixture.emulator.counters().byRoute;
    expect(counts).toStrictEqual({ "GET /users": 3, "PATCH /users/:id": 6 });
    expect(state.outs.disabled).toHaveLength(5);
    expect(
      fixture.emulator
        .listUsers()
        .filter((u) => u.api_enabled)
        .map((u) => u.id),
    ).toStrictEqual([ciBot.id]);
  });
});
