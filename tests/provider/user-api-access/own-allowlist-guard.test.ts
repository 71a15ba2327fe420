/**
 * A deployment never narrows the allowlist of the user whose key it runs with (issue 16, bug 4):
 * the provider cannot see the address it calls Vultr from, so removing an entry could lock every
 * later preview and up out with 401, and only the owner's key could repair it. Refused in check
 * (a new resource) or diff (an existing one), i.e. in preview, before any write; adding entries
 * is allowed; the owner's key is never refused. In the real provider host against the emulator.
 */
import type { EmulatedUser } from "../../../emulator";
import { ProviderFixture, urnOf, type Adopted, type Props } from "../../support/lab";

const ANY = ["0.0.0.0/0", "::/0"];
const RANGE = "45.76.0.0/16";
const KEYS = "GET /users/:id/apikeys";

describe("the allowlist of the running key's own user, in the real provider host", () => {
  const fixture = ProviderFixture.use({ users: 20, seed: 16 });

  /** A manage_users sub-user (allowlist: Vultr's defaults, any IPv4 and any IPv6). */
  function admin(name: string): EmulatedUser {
    const [user] = fixture.emulator.seedUsers([
      { email: `${name}@example.com`, name, api_enabled: true, acls: ["manage_users"] },
    ]);
    if (user === undefined) throw new Error("seeding failed");
    return user;
  }

  function hostWithKey(key: string) {
    return fixture.startHost({
      config: { "vultr:apiKey": key, "vultr:apiEndpoint": fixture.emulator.baseUrl },
    });
  }

  const allowlistOf = (user: EmulatedUser): string[] => fixture.allowlistOf(user);

  const writes = () => fixture.routes().filter((route) => !route.startsWith("GET "));

  const refusal = (user: EmulatedUser, removed: string) =>
    `refusing to remove ${removed} from the API allowlist of Vultr user ${user.email} (${user.id}): the API key this deployment runs with belongs to that user, and the provider cannot see the address it calls Vultr from, so this change could lock the deployment out (every later preview and up would fail with 401) — run this change with the account owner's key, or keep in allowedIps what admits the address this deployment runs from: ${removed} (this key may add entries, never remove them)`;

  const earlierUp = (name: string, inputs: Props): Promise<Adopted> =>
    fixture.earlierUp(name, inputs);

  it("check (preview) refuses to adopt it with allowedIps that replace 'any' by a range", async () => {
    const self = admin("own-new");
    const host = await hostWithKey(self.api_key);
    const urn = urnOf("own-new");

    const checked = await host.check(
      urn,
      {},
      fixture.news({ userId: self.id, apiEnabled: true, allowedIps: [RANGE] }, "own-new"),
    );

    expect(checked.failures).toStrictEqual([
      { property: "allowedIps", reason: refusal(self, "0.0.0.0/0, ::/0") },
    ]);
    // The user, its allowlist, one read of its keys: nothing written.
    expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id/ip-whitelist", KEYS]);

    // A create that bypassed check refuses too, from the same answers, before any write.
    fixture.emulator.clearRequestLog();
    await expect(host.create(urn, checked.inputs)).rejects.toThrow(
      refusal(self, "0.0.0.0/0, ::/0"),
    );
    expect(writes()).toStrictEqual([]);
    expect(fixture.routes()).not.toContain(KEYS);
    expect(allowlistOf(self)).toStrictEqual(ANY);
    expect(host.output()).not.toContain(self.api_key);
  });

  it("diff (preview) refuses to remove one entry of its managed allowlist, before any write", async () => {
    const self = admin("own-diff");
    const adopted = await earlierUp("own-diff", {
      userId: self.id,
      apiEnabled: true,
      allowedIps: [...ANY, RANGE],
    });
    expect(allowlistOf(self)).toStrictEqual([RANGE, ...ANY].sort());

    const preview = await hostWithKey(self.api_key);
    const urn = urnOf("own-diff");
    const checked = await preview.check(
      urn,
      adopted.inputs,
      fixture.news({ userId: self.id, apiEnabled: true, allowedIps: [RANGE, "::/0"] }, "own-diff"),
    );
    expect(checked.failures).toStrictEqual([]);
    await expect(preview.diff(adopted.id, urn, adopted.outs, checked.inputs)).rejects.toThrow(
      refusal(self, "0.0.0.0/0"),
    );

    expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id/ip-whitelist", KEYS]);
    fixture.emulator.clearRequestLog();
    await expect(preview.update(adopted.id, urn, adopted.outs, checked.inputs)).rejects.toThrow(
      refusal(self, "0.0.0.0/0"),
    );
    expect(fixture.routes()).toStrictEqual([]);
    expect(allowlistOf(self)).toStrictEqual([RANGE, ...ANY].sort());
  });

  it("allows additions only, without reading its keys", async () => {
    const self = admin("own-add");
    const host = await hostWithKey(self.api_key);

    const adopted = await fixture.adopt(host, "own-add", {
      userId: self.id,
      apiEnabled: true,
      allowedIps: [...ANY, RANGE],
    });

    expect(adopted.outs.allowedIps).toStrictEqual([RANGE, ...ANY].sort());
    expect(allowlistOf(self)).toStrictEqual([RANGE, ...ANY].sort());
    expect(fixture.routes()).toStrictEqual([
      "GET /users",
      "GET /users/:id/ip-whitelist",
      "POST /users/:id/ip-whitelist",
    ]);
  });

  it("allows removing an entry that a wider entry that stays still covers", async () => {
    const self = admin("own-covered");
    fixture.emulator.setAllowlist(self.id, [
      { subnet: "0.0.0.0", subnet_size: 0 },
      { subnet: "::", subnet_size: 0 },
      { subnet: "45.76.0.0", subnet_size: 16 },
    ]);
    const host = await hostWithKey(self.api_key);

    await fixture.adopt(host, "own-covered", {
      userId: self.id,
      apiEnabled: true,
      allowedIps: ANY,
    });

    expect(allowlistOf(self)).toStrictEqual(ANY);
    expect(fixture.routes()).toStrictEqual([
      "GET /users",
      "GET /users/:id/ip-whitelist",
      "DELETE /users/:id/ip-whitelist",
    ]);
  });

  it("the owner's key narrows it, after one look at the admin's keys", async () => {
    const other = admin("owner-narrows");
    const host = await fixture.startHost();

    await fixture.adopt(host, "owner-narrows", {
      userId: other.id,
      apiEnabled: true,
      allowedIps: [RANGE],
    });

    expect(allowlistOf(other)).toStrictEqual([RANGE]);
    expect(fixture.routes()).toStrictEqual([
      "GET /users",
      "GET /users/:id/ip-whitelist",
      KEYS,
      "POST /users/:id/ip-whitelist",
      "DELETE /users/:id/ip-whitelist",
      "DELETE /users/:id/ip-whitelist",
    ]);
  });

  it("another admin's key narrows it; only users without manage_users cost no key read", async () => {
    const runner = admin("runner");
    const other = admin("narrowed-admin");
    const [plain] = fixture.emulator.seedUsers([
      { email: "plain-narrowed@example.com", name: "plain", api_enabled: true, acls: ["billing"] },
    ]) as [EmulatedUser];
    const host = await hostWithKey(runner.api_key);

    await fixture.adopt(host, "other", { userId: other.id, apiEnabled: true, allowedIps: [RANGE] });
    await fixture.adopt(host, "plain", { userId: plain.id, apiEnabled: true, allowedIps: [RANGE] });

    expect([allowlistOf(other), allowlistOf(plain)]).toStrictEqual([[RANGE], [RANGE]]);
    expect(fixture.routes().filter((route) => route === KEYS)).toHaveLength(1);
  });

  it("destroy refuses an onDelete 'restore' that would put back a narrower list, before any write", async () => {
    const self = admin("own-restore");
    fixture.emulator.setAllowlist(self.id, [{ subnet: "45.76.0.0", subnet_size: 16 }]);
    const adopted = await earlierUp("own-restore", {
      userId: self.id,
      apiEnabled: true,
      allowedIps: [...ANY, RANGE],
    });

    const destroy = await hostWithKey(self.api_key);
    await expect(destroy.delete(adopted.id, urnOf("own-restore"), adopted.outs)).rejects.toThrow(
      refusal(self, "0.0.0.0/0, ::/0"),
    );

    expect(writes()).toStrictEqual([]);
    expect(allowlistOf(self)).toStrictEqual([RANGE, ...ANY].sort());
  });
});
