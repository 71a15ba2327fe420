/**
 * ApiAccessPolicy through the real dynamic-provider host, against the emulator: each rule of the
 * policy, with the requests it costs. Each `startHost()` is one engine pass in its own process.
 */
import { ProviderHostError, UNKNOWN, type ProviderHost } from "../../support/provider-host";
import { ProviderFixture, urnOf } from "../../support/lab";
import { listed, PolicyDriver, seedAccount, type PolicyState } from "./policy-host";

describe("ApiAccessPolicy through the provider host", () => {
  const fixture = ProviderFixture.use({ beforeEach: "reset" });
  let policy: PolicyDriver;
  beforeAll(async () => {
    policy = await PolicyDriver.start(fixture);
  });

  const apiEnabled = (user: { id: string }) => fixture.emulator.getUser(user.id)?.api_enabled;
  const patched = () =>
    fixture.emulator
      .requestLog()
      .filter((entry) => entry.method === "PATCH")
      .map((entry) => `${entry.path} ${JSON.stringify(entry.body)}`);
  const disable = (user: { id: string }) => `/users/${user.id} {"api_enabled":false}`;

  /** The team most tests use: two allowed, one violator, one disabled outsider. */
  function team() {
    return seedAccount(fixture, {
      ci: { api_enabled: true },
      deploy: { api_enabled: false },
      bob: { api_enabled: true },
      carol: { api_enabled: false },
    });
  }

  async function failureOf(call: Promise<unknown>): Promise<string> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderHostError);
    return (error as ProviderHostError).message;
  }

  it("shows every violator in the preview of a new policy, reading the list once and writing nothing", async () => {
    const { ci, bob } = team();
    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();

    const checked = await policy.check(host, "api-access", {
      allowed: [ci!.id, "deploy@example.com"],
    });

    expect(checked.failures).toStrictEqual([]);
    expect(fixture.routes()).toStrictEqual(["GET /users"]);
    const output = host.output();
    expect(output).toContain(
      `warning (api-access): would disable API access of bob@example.com (${bob!.id}): not allowed by the policy`,
    );
    expect(output).not.toMatch(/carol@example.com|ci@example.com|deploy@example.com/);
    expect(apiEnabled(bob!)).toBe(true);
  });

  it("up disables each violator with one PATCH and an audit line; the next preview plans nothing", async () => {
    const { ci, deploy, bob } = team();
    const [eve] = fixture.emulator.seedUsers([{ email: "Eve@Example.com", name: "Eve" }]);
    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();

    const state = await policy.create(host, "api-access", {
      allowed: [ci!.id, "DEPLOY@example.com"],
    });

    expect(fixture.routes().filter((route) => route === "GET /users")).toHaveLength(1);
    expect(patched().sort()).toStrictEqual([disable(bob!), disable(eve!)].sort());
    expect([apiEnabled(bob!), apiEnabled(eve!), apiEnabled(ci!)]).toStrictEqual([
      false,
      false,
      true,
    ]);
    expect(host.output()).toContain(
      `info (api-access): disabled API access of bob@example.com (${bob!.id}) (not allowed by ApiAccessPolicy "api-access")`,
    );
    expect(state.id).toBe("api-access-policy");
    expect(state.outs).toMatchObject({
      violators: listed(eve!, bob!).sort((a, b) => a.email.localeCompare(b.email)),
      disabled: expect.arrayContaining(listed(bob!, eve!)) as unknown,
      skippedAdmins: [],
      allowedUserIds: [ci!.id, deploy!.id].sort(),
      exemptUserIds: [],
      enforce: true,
      maxDisabled: 5,
      includeAdmins: false,
    });
    await fixture.closeHosts();

    fixture.emulator.clearRequestLog();
    const next = await fixture.startHost();
    const { diff } = await policy.preview(next, "api-access", state, {
      allowed: [ci!.id, "deploy@example.com"],
    });
    expect(diff.changes).toBe("DIFF_NONE");
    expect(fixture.routes()).toStrictEqual(["GET /users"]);
  });

  it("restricts and never grants: an allowed user without API access is left as it is", async () => {
    const { ci, deploy } = team();
    const host = await fixture.startHost();
    await policy.create(host, "api-access", { allowed: [ci!.id, deploy!.id], maxDisabled: 1 });
    expect(apiEnabled(deploy!)).toBe(false);
    expect(patched()).toHaveLength(1);
  });

  it("a user enabled in the console is a violator in the next preview and is disabled by up", async () => {
    const { ci, bob, carol } = team();
    const declaration = { allowed: [ci!.id], exempt: ["deploy@example.com"] };
    const first = await fixture.startHost();
    const state = await policy.create(first, "api-access", declaration);
    await fixture.closeHosts();
    fixture.emulator.setUser(carol!.id, { api_enabled: true });
    fixture.emulator.clearRequestLog();

    const host = await fixture.startHost();
    const { state: after, diff } = await policy.up(host, "api-access", state, declaration);

    expect(diff.changes).toBe("DIFF_SOME");
    expect(host.output()).toContain(
      `would disable API access of carol@example.com (${carol!.id}): not allowed by the policy`,
    );
    expect(patched()).toStrictEqual([disable(carol!)]);
    expect(fixture.routes().filter((route) => route === "GET /users")).toHaveLength(1);
    expect(after.outs).toMatchObject({ violators: listed(carol!), disabled: listed(carol!) });
    expect(apiEnabled(bob!)).toBe(false);
  });

  it("fails before any write when more users would be disabled than maxDisabled, naming them and the setting", async () => {
    const { ci, bob } = team();
    const [eve, frank] = fixture.emulator.seedUsers([
      { email: "eve@example.com", name: "Eve" },
      { email: "frank@example.com", name: "Frank" },
    ]);
    const host = await fixture.startHost();

    const checked = await policy.check(host, "api-access", { allowed: [ci!.id], maxDisabled: 2 });
    expect(checked.failures).toHaveLength(1);
    const [failure] = checked.failures;
    expect(failure!.property).toBe("maxDisabled");
    expect(failure!.reason).toContain(
      "would disable API access of 3 users, more than maxDisabled (2)",
    );
    for (const user of [bob!, eve!, frank!]) expect(failure!.reason).toContain(user.id);
    expect(failure!.reason).toContain("set maxDisabled: 3");

    // The engine runs create only after a clean check; it must refuse on its own as well.
    const message = await failureOf(
      host.create(
        urnOf("api-access"),
        policy.news("api-access", { allowed: [ci!.id], maxDisabled: 2 }),
      ),
    );
    expect(message).toContain("more than maxDisabled (2)");
    expect(patched()).toStrictEqual([]);
  });

  it("the cap also guards the diff of an existing policy, before its update", async () => {
    const { ci, bob } = team();
    const first = await fixture.startHost();
    const state = await policy.create(first, "api-access", { allowed: [ci!.id], maxDisabled: 1 });
    expect(apiEnabled(bob!)).toBe(false);
    await fixture.closeHosts();
    const [eve, frank] = fixture.emulator.seedUsers([
      { email: "eve@example.com", name: "Eve" },
      { email: "frank@example.com", name: "Frank" },
    ]);
    fixture.emulator.clearRequestLog();

    const host = await fixture.startHost();
    const checked = await policy.check(
      host,
      "api-access",
      { allowed: [ci!.id], maxDisabled: 1 },
      state.inputs,
    );
    const message = await failureOf(
      host.diff(state.id, urnOf("api-access"), state.outs, checked.inputs),
    );

    expect(message).toContain(`eve@example.com (${eve!.id}), frank@example.com (${frank!.id})`);
    expect(message).toContain("set maxDisabled: 2");
    expect(patched()).toStrictEqual([]);
  });

  it("leaves violators holding manage_users alone unless includeAdmins, and plans nothing for them", async () => {
    const { ci, bob } = team();
    const [admin] = fixture.emulator.seedUsers([
      { email: "admin@example.com", name: "Ada Admin", acls: ["manage_users"] },
    ]);
    const first = await fixture.startHost();
    const state = await policy.create(first, "api-access", { allowed: [ci!.id] });
    expect(patched()).toStrictEqual([disable(bob!)]);
    expect(first.output()).toContain(
      `warning (api-access): admin@example.com (${admin!.id}) is not allowed by the policy but holds manage_users: left alone (set includeAdmins: true to include admins)`,
    );
    expect(state.outs).toMatchObject({ skippedAdmins: listed(admin!), disabled: listed(bob!) });
    await fixture.closeHosts();

    fixture.emulator.clearRequestLog();
    const preview = await fixture.startHost();
    const quiet = await policy.preview(preview, "api-access", state, { allowed: [ci!.id] });
    expect(quiet.diff.changes).toBe("DIFF_NONE");
    await fixture.closeHosts();

    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();
    const { diff, state: after } = await policy.up(host, "api-access", state, {
      allowed: [ci!.id],
      includeAdmins: true,
    });
    expect(diff.changes).toBe("DIFF_SOME");
    expect(apiEnabled(admin!)).toBe(false);
    // One list read, the self-revocation check of the admin (once per process), one PATCH.
    expect(fixture.routes().sort()).toStrictEqual(
      ["GET /users", "GET /users/:id/apikeys", "PATCH /users/:id"].sort(),
    );
    expect(after.outs).toMatchObject({ skippedAdmins: [], disabled: listed(admin!) });
  });

  it("never disables the running key's own user: the step fails before any write", async () => {
    const { ci, bob } = team();
    const [admin] = fixture.emulator.seedUsers([
      { email: "admin@example.com", name: "Ada Admin", acls: ["manage_users"] },
    ]);
    const host = await fixture.startHost({
      config: { "vultr:apiKey": admin!.api_key, "vultr:apiEndpoint": fixture.emulator.baseUrl },
    });
    const declaration = { allowed: [ci!.id], includeAdmins: true };

    const checked = await policy.check(host, "api-access", declaration);
    expect(checked.failures).toHaveLength(1);
    expect(checked.failures[0]!.property).toBe("includeAdmins");
    expect(checked.failures[0]!.reason).toContain(
      `refusing to disable API access of admin@example.com (${admin!.id}): the API key this deployment runs with belongs to that user`,
    );
    const message = await failureOf(
      host.create(urnOf("api-access"), policy.news("api-access", declaration)),
    );
    expect(message).toContain("exempt list");
    expect(patched()).toStrictEqual([]);
    expect([apiEnabled(admin!), apiEnabled(bob!)]).toStrictEqual([true, true]);
    expect(fixture.everythingShown()).not.toContain(admin!.api_key);
  });

  it("fails check for an allowed or exempt entry that names no user, confirmed with the API", async () => {
    const { ci } = team();
    const ghostId = "0c6b9f0e-1b7a-4a7e-9d43-0a6f7f1d2c3e";
    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();

    const checked = await policy.check(host, "api-access", {
      allowed: [ci!.id, "ghost@example.com"],
      exempt: [ghostId],
    });

    expect(checked.failures).toStrictEqual([
      {
        property: "allowed",
        reason: `allowed[1]: no Vultr user has the email "ghost@example.com" (the account holds 4 users); check the address, or remove the entry from allowed`,
      },
      {
        property: "exempt",
        reason: `exempt[0]: no Vultr user has the id ${ghostId} (the account holds 4 users); check the id, or remove the entry from exempt`,
      },
    ]);
    // The miss of an email is confirmed by one reload of the list, the miss of an id by a GET.
    expect(fixture.routes().sort()).toStrictEqual(
      ["GET /users", "GET /users", "GET /users/:id"].sort(),
    );
  });

  it("refuses malformed inputs in check before any request, naming the property", async () => {
    const host = await fixture.startHost();
    fixture.emulator.clearRequestLog();
    const checked = await policy.check(host, "api-access", {
      allowed: ["not-a-user", 7],
      maxDisabled: 0,
      enforce: "yes",
      color: "blue",
    });
    expect(checked.failures.map((f) => f.property).sort()).toStrictEqual(
      ["allowed", "allowed", "color", "enforce", "maxDisabled"].sort(),
    );
    expect(checked.failures.map((f) => f.reason).join("\n")).toMatch(
      /allowed\[0\]: "not-a-user" is neither/,
    );
    expect(checked.failures.map((f) => f.reason).join("\n")).toMatch(
      /allowed\[1\]: expected a Vultr user id/,
    );
    expect(fixture.routes()).toStrictEqual([]);
  });

  it("tolerates values not known yet in check, and does not count a program's grant as a violation", async () => {
    const { ci, bob } = team();
    const host = await fixture.startHost();
    // The CI bot's UserApiAccess is checked first; the policy names it by its output, unknown
    // in preview.
    const grant = await host.check(
      urnOf("ci-bot"),
      {},
      fixture.news({ userId: ci!.id, apiEnabled: true }, "ci-bot"),
    );
    expect(grant.failures).toStrictEqual([]);

    const checked = await policy.check(host, "api-access", {
      allowed: [UNKNOWN, "deploy@example.com"],
      maxDisabled: UNKNOWN,
      enforce: UNKNOWN,
    });

    expect(checked.failures).toStrictEqual([]);
    expect(host.output()).toContain(
      `would disable API access of bob@example.com (${bob!.id}): not allowed by the policy (unless an entry not known until the update names that user)`,
    );
    expect(host.output()).not.toContain(`ci@example.com (${ci!.id}): not allowed`);
    const whole = await policy.check(host, "whole", { allowed: UNKNOWN, exempt: UNKNOWN });
    expect(whole.failures).toStrictEqual([]);
    expect(patched()).toStrictEqual([]);
  });

  it("enforce: false reports violators and writes nothing; a new violator is a change to record", async () => {
    const { ci, bob, carol } = team();
    const declaration = { allowed: [ci!.id], enforce: false };
    const first = await fixture.startHost();
    const state = await policy.create(first, "api-access", declaration);
    expect(patched()).toStrictEqual([]);
    expect(apiEnabled(bob!)).toBe(true);
    expect(state.outs).toMatchObject({ violators: listed(bob!), disabled: [], enforce: false });
    expect(first.output()).toContain(
      `bob@example.com (${bob!.id}) has API access but is not allowed by the policy: reported only (enforce: false)`,
    );
    await fixture.closeHosts();

    const again = await fixture.startHost();
    expect((await policy.preview(again, "api-access", state, declaration)).diff.changes).toBe(
      "DIFF_NONE",
    );
    await fixture.closeHosts();

    fixture.emulator.setUser(carol!.id, { api_enabled: true });
    const host = await fixture.startHost();
    const { diff, state: after } = await policy.up(host, "api-access", state, declaration);
    expect(diff.changes).toBe("DIFF_SOME");
    expect(after.outs).toMatchObject({ violators: listed(bob!, carol!), disabled: [] });
    expect(patched()).toStrictEqual([]);
  });

  it("delete stops enforcing and sends no request at all", async () => {
    const { ci, bob } = team();
    const first = await fixture.startHost();
    const state = await policy.create(first, "api-access", { allowed: [ci!.id] });
    await fixture.closeHosts();
    fixture.emulator.clearRequestLog();

    const host = await fixture.startHost();
    await host.delete(state.id, urnOf("api-access"), state.outs);

    expect(fixture.routes()).toStrictEqual([]);
    expect(apiEnabled(bob!)).toBe(false);
    expect(host.output()).toContain('ApiAccessPolicy "api-access" removed: enforcement stopped');
  });

  it("refuses a UserApiAccess grant the policy does not allow, whichever is checked first", async () => {
    const { ci, bob } = team();
    const grantBob = fixture.news({ userId: bob!.id, apiEnabled: true }, "bob-access");

    const grantFirst = await fixture.startHost();
    expect((await grantFirst.check(urnOf("bob-access"), {}, grantBob)).failures).toStrictEqual([]);
    const checked = await policy.check(grantFirst, "api-access", { allowed: [ci!.id] });
    expect(checked.failures).toStrictEqual([
      {
        property: "allowed",
        reason: `UserApiAccess "bob-access" declares apiEnabled: true for Vultr user bob@example.com (${bob!.id}), which ApiAccessPolicy "api-access" does not allow: add the user to allowed (or exempt), or declare apiEnabled: false there`,
      },
    ]);
    await fixture.closeHosts();

    const policyFirst = await fixture.startHost();
    expect(
      (await policy.check(policyFirst, "api-access", { allowed: [ci!.id] })).failures,
    ).toStrictEqual([]);
    const grant = await policyFirst.check(urnOf("bob-access"), {}, grantBob);
    expect(grant.failures).toHaveLength(1);
    expect(grant.failures[0]!.reason).toContain('conflicts with ApiAccessPolicy "api-access"');
    expect(patched()).toStrictEqual([]);
  });

  it("a fault part way: the error names who was disabled and who is left; the next up finishes", async () => {
    const { ci } = team();
    fixture.emulator.setUser(ci!.id, { api_enabled: true });
    const bob = fixture.emulator.listUsers().find((u) => u.email === "bob@example.com")!;
    const first = await fixture.startHost();
    let state: PolicyState = await policy.create(first, "api-access", { allowed: [ci!.id] });
    await fixture.closeHosts();
    const [eve, frank] = fixture.emulator.seedUsers([
      { email: "eve@example.com", name: "Eve" },
      { email: "frank@example.com", name: "Frank" },
    ]);
    fixture.emulator.setUser(bob.id, { api_enabled: true });
    fixture.emulator.addFault({
      method: "PATCH",
      path: `/users/${eve!.id}`,
      kind: "status",
      status: 400,
      body: { error: "User is locked.", status: 400 },
      persistent: true,
    });

    const host: ProviderHost = await fixture.startHost();
    const message = await failureOf(policy.up(host, "api-access", state, { allowed: [ci!.id] }));
    expect(message).toContain(`could not disable API access of eve@example.com (${eve!.id})`);
    expect(message).toContain('Vultr answered 400 "User is locked."');
    expect(message).toContain(`disabled so far: bob@example.com (${bob.id})`);
    expect(message).toContain(
      `still to disable: eve@example.com (${eve!.id}), frank@example.com (${frank!.id})`,
    );
    expect([apiEnabled(bob), apiEnabled(eve!), apiEnabled(frank!)]).toStrictEqual([
      false,
      true,
      true,
    ]);
    await fixture.closeHosts();

    fixture.emulator.clearFaults();
    fixture.emulator.clearRequestLog();
    const next = await fixture.startHost();
    ({ state } = await policy.up(next, "api-access", state, { allowed: [ci!.id] }));
    expect(patched().sort()).toStrictEqual([disable(eve!), disable(frank!)].sort());
    expect(state.outs).toMatchObject({ disabled: listed(eve!, frank!) });
  });
});
