/**
 * Partial failure through the real provider host, driven the way the engine drives an `up`:
 * Check and Diff one resource at a time, then the Updates in parallel. 20 resources; 5 PATCHes
 * fail for good. Each `up` is a new host process, as each `pulumi up` is.
 */
import type { EmulatedUser } from "../../emulator";
import type { ProviderHost } from "../support/provider-host";
import { settle, useLab, type Props } from "../support/lab";

const LOCKED = { error: "User is locked.", status: 400 };

// Default pacing (20/s) against Vultr's 30/s limit; fast retries.
const lab = useLab("partial-failure", {
  users: 20,
  seed: 20,
  env: { VULTR_TIMEOUT_MS: "200", VULTR_RETRY_BASE_MS: "5" },
});
let users: EmulatedUser[];
/** State: each resource's outputs as the engine stores them after a step. */
const state = new Map<string, Props>();

beforeAll(async () => {
  users = lab.emulator.listUsers();
  // Adoption: every user declared as it is, so no PATCH.
  for (const user of users) {
    const urn = lab.urn(user.email);
    const checked = await lab.host.check(
      urn,
      {},
      lab.inputs({ userId: user.id, apiEnabled: user.api_enabled }),
    );
    state.set(user.id, (await lab.host.create(urn, checked.inputs)).outs);
  }
});

interface UpResult {
  updated: string[];
  failed: Map<string, string>;
  unchanged: string[];
}

/** One `up` declaring `declared(user)` for every user, in a new host. */
async function up(
  host: ProviderHost,
  declared: (user: EmulatedUser) => boolean,
): Promise<UpResult> {
  const changed: { user: EmulatedUser; news: Props }[] = [];
  const unchanged: string[] = [];
  for (const user of users) {
    const urn = lab.urn(user.email);
    const olds = state.get(user.id) ?? {};
    const checked = await host.check(
      urn,
      olds,
      lab.inputs({ userId: user.id, apiEnabled: declared(user) }),
    );
    expect(checked.failures).toStrictEqual([]);
    const diff = await host.diff(user.id, urn, olds, checked.inputs);
    if (diff.changes === "DIFF_SOME") changed.push({ user, news: checked.inputs });
    else unchanged.push(user.id);
  }
  const results = await Promise.all(
    changed.map(async ({ user, news }) => ({
      user,
      result: await settle(
        host.update(user.id, lab.urn(user.email), state.get(user.id) ?? {}, news),
      ),
    })),
  );
  const failed = new Map<string, string>();
  const updated: string[] = [];
  for (const { user, result } of results) {
    // The engine keeps the old outputs of a failed update.
    if (result.ok) {
      state.set(user.id, result.value.outs);
      updated.push(user.id);
    } else {
      failed.set(user.id, result.message);
    }
  }
  return { updated, failed, unchanged };
}

describe("an up over 20 users where 5 PATCHes fail for good", () => {
  let failing: EmulatedUser[];
  let first: UpResult;

  it("applies the 15 others, fails the 5 naming each user, and keeps state true to the account", async () => {
    failing = users.slice(3, 8);
    failing.forEach((user, i) => {
      lab.emulator.addFault({
        method: "PATCH",
        path: `/users/${user.id}`,
        kind: "status",
        ...(i < 3 ? { status: 400, body: LOCKED } : { status: 503 }),
        persistent: true,
      });
    });
    const host = await lab.startHost();
    lab.emulator.clearRequestLog();
    first = await up(host, (user) => !user.api_enabled);

    for (const [id, message] of first.failed) {
      lab.transcript.observe({
        section: "partial failure (host)",
        case: `first up, failing user ${id}`,
        outcome: "failed the step",
        message,
      });
    }
    expect(first.updated).toHaveLength(15);
    expect([...first.failed.keys()].sort()).toStrictEqual(failing.map((u) => u.id).sort());
    failing.forEach((user, i) => {
      const message = first.failed.get(user.id) ?? "";
      expect(message).toMatch(
        new RegExp(`^Setting api_enabled=${!user.api_enabled} on Vultr user ${user.id}: `),
      );
      expect(message).toMatch(
        i < 3
          ? /Vultr answered 400 "User is locked\."/
          : /Vultr answered 503 "Service Unavailable".*\[gave up after 5 attempts\]/,
      );
    });
    // The account matches the outputs of the 15; the 5 are as they were, and so is their state.
    for (const user of users) {
      const live = lab.emulator.getUser(user.id)?.api_enabled;
      expect(state.get(user.id)?.["apiEnabled"]).toBe(live);
      expect(live).toBe(failing.includes(user) ? user.api_enabled : !user.api_enabled);
    }
    const patches = lab.emulator.requestLog().filter((r) => r.method === "PATCH");
    // Each of the 15 applied (a PATCH answered after the 200 ms timeout on a loaded machine is
    // sent again, idempotently: count users, not answers).
    const applied = new Set(patches.filter((r) => r.status === 204).map((r) => r.path));
    expect([...applied].sort()).toStrictEqual(
      users
        .filter((u) => !failing.includes(u))
        .map((u) => `/users/${u.id}`)
        .sort(),
    );
    lab.transcript.observe({
      section: "partial failure (host)",
      case: "first up: 20 users, 5 PATCHes failing (3 × 400, 2 × 503 persistent)",
      outcome: `${first.updated.length} updated, ${first.failed.size} failed`,
      attempts: patches.length,
    });
  });

  it("the next up, faults cleared, sends one list and exactly the 5 PATCHes", async () => {
    lab.emulator.clearFaults();
    const host = await lab.startHost();
    lab.emulator.clearRequestLog();
    const second = await up(host, (user) => !user.api_enabled);
    const requests = lab.emulator.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`);
    lab.transcript.observe({
      section: "partial failure (host)",
      case: "second up after the faults cleared",
      outcome: `${second.updated.length} updated, ${second.failed.size} failed, ${second.unchanged.length} unchanged`,
      message: requests.join("\n"),
    });
    expect(second.failed.size).toBe(0);
    expect(second.updated.sort()).toStrictEqual(failing.map((u) => u.id).sort());
    expect(requests.sort()).toStrictEqual(
      ["GET /users 200", ...failing.map((u) => `PATCH /users/${u.id} 204`)].sort(),
    );
    for (const user of users) {
      expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(!user.api_enabled);
      expect(state.get(user.id)?.["apiEnabled"]).toBe(!user.api_enabled);
    }
    // Preview shows why each of the 5 changes.
    for (const user of failing) {
      expect(host.output()).toContain(
        `Vultr user ${user.email} (${user.id}): api_enabled is ${user.api_enabled} in Vultr, declared ${!user.api_enabled}`,
      );
    }
  });
});
