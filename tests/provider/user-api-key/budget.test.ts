/**
 * UserApiKey's budget at k = 100 keys over 20 users (5 each), 10 of them due for rotation: a
 * preview reads each user's keys once; an up reads them once, sends one POST per key made and
 * no DELETE on a first rotation with keepPrevious; wall time printed. One host per pass, as the engine starts one
 * per command; the steps run 8 at a time, as the engine runs them in parallel.
 */
import { StepPool } from "../../../bench/engine";
import type { EmulatedUser } from "../../../emulator";
import type { ProviderHost } from "../../support/provider-host";
import { ProviderFixture, type Props } from "../../support/lab";
import { DAY_S, KeyDriver, keyRequests, type KeyState } from "./key-host";

const USERS = 20;
const PER_USER = 5;
const DUE = 10;

/** Runs `run` over the items `width` at a time, as the engine runs steps (bench/engine.ts). */
async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>) {
  const pool = new StepPool(width);
  for (const item of items) pool.run(() => run(item));
  await pool.drain();
}

describe(`UserApiKey budget: ${USERS * PER_USER} keys, ${DUE} due`, () => {
  let fixture: ProviderFixture;
  let keys: KeyDriver;
  let users: EmulatedUser[];
  const declared: { name: string; inputs: Props }[] = [];
  const states = new Map<string, KeyState>();

  beforeAll(async () => {
    fixture = await ProviderFixture.start();
    keys = await KeyDriver.start(fixture);
    users = fixture.emulator.seedUsers(
      Array.from({ length: USERS }, (_, i) => ({
        email: `bot-${i}@example.com`,
        name: `bot ${i}`,
      })),
    );
    for (const [u, user] of users.entries()) {
      for (let k = 0; k < PER_USER; k++) {
        const n = u * PER_USER + k;
        // The first key of the first DUE users lives 30 days (rotation 10 days before), the
        // others 90 (30 before). (Five due keys of one user would meet Vultr's 10 keys per user.)
        const lifetimeDays = k === 0 && u < DUE ? 30 : 90;
        declared.push({
          name: `key-${n}`,
          inputs: { userId: user.id, name: `k${k}`, lifetimeDays },
        });
      }
    }
    const host = await fixture.startHost();
    await inParallel(declared, 8, async ({ name, inputs }) => {
      states.set(name, await keys.create(host, name, inputs));
    });
    await fixture.closeHosts();
    fixture.emulator.setClockOffset(25 * DAY_S);
  }, 120_000);

  afterAll(async () => {
    await fixture?.close();
  });

  async function pass(up: boolean): Promise<{ ms: number; changed: number; host: ProviderHost }> {
    const host = await fixture.startHost();
    fixture.emulator.clearRequestLog();
    let changed = 0;
    const started = Date.now();
    await inParallel(declared, 8, async ({ name, inputs }) => {
      const previous = states.get(name) as KeyState;
      if (up) {
        const { state, diff } = await keys.up(host, name, previous, inputs);
        if (diff.changes === "DIFF_SOME") changed++;
        states.set(name, state);
      } else if ((await keys.preview(host, name, previous, inputs)).diff.changes === "DIFF_SOME") {
        changed++;
      }
    });
    return { ms: Date.now() - started, changed, host };
  }

  it("a preview: one key-list read per user, no writes; the due keys planned", async () => {
    const { ms, changed } = await pass(false);
    const counts = keyRequests(fixture);
    expect(changed).toBe(DUE);
    expect(counts).toStrictEqual({ list: USERS, post: 0, del: 0 });
    console.log(
      `preview k=100, 10 due: ${fixture.emulator.counters().total} requests (${JSON.stringify(counts)}), ${ms} ms`,
    );
  });

  it("an up: one key-list read per user, one POST per key made, no DELETE (keepPrevious)", async () => {
    const { ms, changed } = await pass(true);
    const counts = keyRequests(fixture);
    expect(changed).toBe(DUE);
    expect(counts).toStrictEqual({ list: USERS, post: DUE, del: 0 });
    console.log(
      `up k=100, 10 due: ${fixture.emulator.counters().total} requests (${JSON.stringify(counts)}), ${ms} ms`,
    );
  });
});
