import type { RunningEmulator } from "../../emulator";
import { Pacer } from "../../provider/client/pacer";
import { ALICE, BOB, CAROL, clientFor, resetAccount, startAccount } from "./harness";

let emulator: RunningEmulator;

beforeAll(async () => {
  // Vultr's documented limit: more than 30 requests a second may be answered with 429.
  emulator = await startAccount({ rateLimitPerSecond: 30 });
});
afterAll(() => emulator.close());
beforeEach(() => resetAccount(emulator));

const ids = [ALICE, BOB, CAROL];

describe("pacing", () => {
  it("keeps a burst of 100 concurrent reads under Vultr's limit: no 429 ever reaches it", async () => {
    const client = clientFor(emulator, { pacer: new Pacer({ ratePerSecond: 20 }), maxRetries: 0 });

    const users = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.getUser(ids[i % ids.length]!)),
    );

    expect(users.map((user) => user.id)).toStrictEqual(
      Array.from({ length: 100 }, (_, i) => ids[i % ids.length]),
    );
    const counters = emulator.counters();
    expect(counters.total).toBe(100);
    expect(counters.rateLimited).toBe(0);
    expect(counters.byStatus).toStrictEqual({ "200": 100 });
  });

  it("is what makes the difference: the same client unpaced meets 429s", async () => {
    const client = clientFor(emulator, { maxRetries: 0 });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => client.getUser(ALICE)),
    );

    expect(emulator.counters().rateLimited).toBeGreaterThanOrEqual(10);
    expect(outcomes.filter((outcome) => outcome.status === "rejected").length).toBe(
      emulator.counters().rateLimited,
    );
  });
});
