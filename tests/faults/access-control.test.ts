/**
 * Vultr's access-control answers, through the real provider host: each failure says what the
 * person running `pulumi up` must change, and never shows the key.
 */
import type { EmulatedUser } from "../../emulator";
import type { ProviderHost } from "../support/provider-host";
import {
  FAST_LAB,
  FAST_SETTINGS,
  checkThenCreate,
  failureOf,
  settle,
  useLab,
  valueOf,
  type Adoption,
} from "../support/lab";

const UNAUTHORIZED_IP = { error: "Unauthorized IP address: 203.0.113.7", status: 401 };
const WRONG_KEY = "WRONGKEY0123456789ABCDEFGHIJKLMNOPQR";

const lab = useLab("access-control", {
  users: 600,
  seed: 7,
  ...FAST_LAB,
  extraSecrets: { "wrong key": WRONG_KEY },
});
let users: EmulatedUser[];
/** A sub-user with API access but without manage_users: its key may not manage users. */
let clerk: EmulatedUser;

beforeAll(() => {
  users = lab.emulator.listUsers();
  const found = users.find((u) => u.api_enabled && !u.acls.includes("manage_users"));
  if (found === undefined) throw new Error("no user without manage_users among the seeded");
  clerk = found;
});

let taken = 0;
function freshUser(page: "one" | "two" = "one"): EmulatedUser {
  taken += 1;
  const user = page === "one" ? users[taken] : users[500 + taken];
  if (user === undefined || user === clerk) return freshUser(page);
  return user;
}

/** Check + Create, as the engine runs a new resource; check reads the list (or the user). */
function adopt(host: ProviderHost, user: { id: string }, apiEnabled: boolean): Promise<Adoption> {
  const urn = lab.urn(`user-${user.id}`);
  return checkThenCreate(host, urn, lab.inputs({ userId: user.id, apiEnabled, __urn: urn }));
}

/** Where the adoption failed: Check's RPC, Check's CheckFailures, or Create. */
function failedAt(result: Adoption): string {
  return result.ok ? "nowhere" : `${result.step} (${result.kind})`;
}

function observe(name: string, message: string, attempts?: number): void {
  lab.transcript.observe({
    section: "access control",
    case: name,
    outcome: "failed the step",
    message,
    ...(attempts === undefined ? {} : { attempts }),
  });
}

describe("401 Invalid API token", () => {
  it.each([
    { source: "vultr:apiKey", config: true },
    { source: "VULTR_API_KEY", config: false },
  ])("a key Vultr does not know, from $source, points at both ways to set it", async (c) => {
    const endpoint = { "vultr:apiEndpoint": lab.emulator.baseUrl };
    const host = c.config
      ? await lab.startHost({ config: { ...endpoint, "vultr:apiKey": WRONG_KEY } })
      : await lab.startHost({
          config: endpoint,
          env: { ...FAST_SETTINGS, VULTR_API_KEY: WRONG_KEY },
        });
    const user = freshUser();
    lab.emulator.clearRequestLog();
    const result = await adopt(host, user, !user.api_enabled);
    const message = failureOf(result);
    const attempts = lab.emulator.requestLog().length;
    observe(`wrong key in ${c.source}`, message, attempts);
    // Check reads the list to confirm the user: the 401 fails it, before any plan.
    expect(failedAt(result)).toBe("check (error)");
    expect(message).toMatch(/^Listing Vultr users: Vultr answered 401 "Invalid API token\."/);
    expect(message).toMatch(/check `vultr:apiKey`.*VULTR_API_KEY/);
    expect(attempts).toBe(1);
    expect(message).not.toContain(WRONG_KEY);
    // Check resolving an email meets the same answer, with the same advice.
    const byEmail = await settle(
      host.check(lab.urn("by-email"), {}, lab.inputs({ email: user.email, apiEnabled: true })),
    );
    expect(failureOf(byEmail)).toMatch(/401 "Invalid API token\.".*check `vultr:apiKey`/);
  });

  it("a key whose user has lost API access is refused the same way", async () => {
    const admin = users.find((u) => u.api_enabled && u.acls.includes("manage_users"));
    if (admin === undefined) throw new Error("no admin among the seeded users");
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl, "vultr:apiKey": admin.api_key },
    });
    lab.emulator.setUser(admin.id, { api_enabled: false });
    try {
      const user = freshUser();
      const result = await adopt(host, user, !user.api_enabled);
      const message = failureOf(result);
      observe("key of a user whose API access is disabled", message);
      expect(failedAt(result)).toBe("check (error)");
      expect(message).toMatch(/401 "Invalid API token\.".*still has API access/);
    } finally {
      lab.emulator.setUser(admin.id, { api_enabled: true });
    }
  });
});

describe("401 Unauthorized IP address", () => {
  it.each([
    { request: "the list", method: "GET", path: () => "/users", label: /^Listing Vultr users/ },
    {
      request: "the PATCH",
      method: "PATCH",
      path: (user: EmulatedUser) => `/users/${user.id}`,
      label: /^Setting api_enabled=\w+ on Vultr user [0-9a-f-]+/,
    },
  ])("on $request: names the address and the key user's IP allowlist", async (c) => {
    const user = freshUser();
    const providerText = await lab.freshProvider();
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({
      method: c.method,
      path: c.path(user),
      kind: "status",
      status: 401,
      body: UNAUTHORIZED_IP,
      persistent: true,
    });
    const urn = lab.urn(`ip-${user.id}`);
    const news = lab.inputs({ userId: user.id, apiEnabled: !user.api_enabled }, providerText);
    const failed = await settle(lab.host.create(urn, news));
    lab.emulator.clearFaults();
    const message = failureOf(failed);
    const attempts = lab.emulator.requestLog().filter((r) => r.fault !== undefined).length;
    observe(`401 Unauthorized IP address on ${c.request}`, message, attempts);
    expect(message).toMatch(c.label);
    expect(message).toContain('Vultr answered 401 "Unauthorized IP address: 203.0.113.7"');
    expect(message).toContain(
      "the API key this deployment runs with is refused from 203.0.113.7: add 203.0.113.7/32 to the API access control list (IP allowlist) of the key's user with the account owner's key (in the Vultr console under Account → API, or with `allowedIps` in a run with the owner's key), or run from an address that list admits",
    );
    expect(attempts).toBe(1);
    // Once the address is allowed, the same provider goes on.
    valueOf(await settle(lab.host.create(urn, news)));
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(!user.api_enabled);
  });
});

describe("403: the key's user may not manage users", () => {
  it("a sub-user key without manage_users is told to use the owner's key or grant it", async () => {
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl, "vultr:apiKey": clerk.api_key },
    });
    const user = freshUser();
    lab.emulator.clearRequestLog();
    const result = await adopt(host, user, !user.api_enabled);
    const message = failureOf(result);
    observe("403, sub-user key without manage_users", message, lab.emulator.requestLog().length);
    expect(failedAt(result)).toBe("check (error)");
    expect(message).toMatch(
      /^Listing Vultr users: Vultr answered 403 "Unauthorized to manage users\."/,
    );
    expect(message).toMatch(/lacks the `manage_users` permission/);
    expect(lab.emulator.requestLog()).toHaveLength(1);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(user.api_enabled);
  });
});

describe("404: the user is gone", () => {
  it("check of an id the account does not hold fails naming userId, with the account's size", async () => {
    const missing = "00000000-0000-4000-8000-000000000404";
    const result = await adopt(lab.host, { id: missing }, true);
    const message = failureOf(result);
    observe("check, id not in the account (list, then a GET to confirm)", message);
    expect(failedAt(result)).toBe("check (CheckFailure)");
    expect(message).toBe(
      `userId: Vultr user ${missing} does not exist in this account (the account holds 600 users): check the userId, or create the user first`,
    );
  });

  it("create of an id the account does not hold (check bypassed) says so too", async () => {
    const missing = "00000000-0000-4000-8000-000000000405";
    const urn = lab.urn("bypassed");
    const news = lab.inputs({ userId: missing, apiEnabled: true, __urn: urn });
    const message = failureOf(await settle(lab.host.create(urn, news)));
    observe("create without check, id not in the account", message);
    expect(message).toMatch(
      new RegExp(
        `^Vultr user ${missing} does not exist in this account \\(the account holds 600 users\\)`,
      ),
    );
    expect(message).toMatch(/check the userId or email/);
  });

  it("check of a user read alone (GET /users/<id> answers 404) fails the same way", async () => {
    // A single read happens when the program declares fewer resources than the list has pages.
    const host = await lab.startHost();
    const hint = lab.inputs({ userId: users[0]?.id, apiEnabled: true, __fleetSize: 1 });
    expect((await host.check(lab.urn("hint"), {}, hint)).failures).toStrictEqual([]);
    const user = freshUser("two");
    lab.emulator.deleteUser(user.id);
    lab.emulator.clearRequestLog();
    const result = await adopt(host, user, true);
    const message = failureOf(result);
    observe("check, GET /users/<id> answers 404 Invalid user.", message);
    // The hint's check read page one; this check misses the user there and confirms with a GET.
    expect(lab.emulator.requestLog().map((r) => `${r.route} ${r.status}`)).toStrictEqual([
      "GET /users/:id 404",
    ]);
    expect(failedAt(result)).toBe("check (CheckFailure)");
    expect(message).toMatch(
      new RegExp(
        `^userId: Vultr user ${user.id} does not exist in this account \\(the account holds 600 users\\)`,
      ),
    );
  });

  it("a user deleted between diff and update: the PATCH's 404 says the user is gone", async () => {
    const user = freshUser();
    const created = valueOf(await adopt(lab.host, user, user.api_enabled));
    const news = lab.inputs({ userId: user.id, apiEnabled: !user.api_enabled });
    const diff = await lab.host.diff(user.id, lab.urn("gone"), created.outs, news);
    expect(diff.changes).toBe("DIFF_SOME");
    lab.emulator.deleteUser(user.id);
    const message = failureOf(
      await settle(lab.host.update(user.id, lab.urn("gone"), created.outs, news)),
    );
    observe("update, PATCH answers 404 Invalid user.", message);
    expect(message).toMatch(/Vultr answered 404 "Invalid user\." \(PATCH \/users\/[0-9a-f-]+\)/);
    expect(message).toMatch(/the user no longer exists in this Vultr account/);
    expect(message).toMatch(/pulumi refresh/);
  });

  it("refresh drops a deleted user, delete succeeds, and diff says why it wants a change", async () => {
    const user = freshUser();
    const created = valueOf(await adopt(lab.host, user, !user.api_enabled));
    lab.emulator.deleteUser(user.id);
    const providerText = await lab.freshProvider();
    const state = { ...created.outs, __provider: providerText };
    const read = await lab.host.read(user.id, lab.urn("gone-read"), state);
    expect(read.id).toBe("");
    const news = lab.inputs({ userId: user.id, apiEnabled: !user.api_enabled }, providerText);
    const diff = await lab.host.diff(user.id, lab.urn("gone-diff"), created.outs, news);
    expect(diff.changes).toBe("DIFF_SOME");
    expect(lab.host.output()).toContain(
      `Vultr user ${user.email} (${user.id}) no longer exists in the account`,
    );
    await lab.host.delete(user.id, lab.urn("gone-delete"), state);
    lab.transcript.observe({
      section: "access control",
      case: "user deleted: refresh / diff / delete",
      outcome:
        "read returns an empty id (dropped from state); diff wants a change and says why; delete succeeds",
      message: lab.host
        .output()
        .split("\n")
        .filter((l) => l.includes(user.id))
        .join("\n"),
    });
  });
});
