/**
 * What a deployment must never do, in the real provider host against the emulator: take a
 * snapshot's miss for proof that a user does not exist, revoke the key it runs with, or leave a
 * person without a way forward after a key rotation. Also: expected failures carry their message
 * only, and two declarations of one user are caught in check.
 */
import type { EmulatedUser } from "../../../emulator";
import { ProviderFixture, urnOf } from "../../support/lab";

describe("guards of a deployment, in the real provider host", () => {
  const fixture = ProviderFixture.use({ users: 30, seed: 11 });

  function seed(name: string, fields: { api_enabled?: boolean; acls?: string[] } = {}) {
    const [user] = fixture.emulator.seedUsers([{ email: `${name}@example.com`, name, ...fields }]);
    if (user === undefined) throw new Error("seeding failed");
    return user;
  }

  describe("a user created earlier in the same deployment", () => {
    it("is adopted by id and by email after another resource has read the list", async () => {
      const a = seed("mid-a", { api_enabled: false });
      const host = await fixture.startHost();
      await fixture.adopt(host, "a", { userId: a.id, apiEnabled: true });

      // Created by another resource of the same program (the bridged provider's User, say).
      const [b, c] = fixture.emulator.seedUsers([
        { email: "mid-b@example.com", name: "B", api_enabled: false },
        { email: "mid-c@example.com", name: "C", api_enabled: true },
      ]) as [EmulatedUser, EmulatedUser];
      fixture.emulator.clearRequestLog();

      const adoptedB = await fixture.adopt(host, "b", { userId: b.id, apiEnabled: true });
      const adoptedC = await fixture.adopt(host, "c", { email: c.email, apiEnabled: false });

      expect(adoptedB.id).toBe(b.id);
      expect(adoptedC.id).toBe(c.id);
      expect(fixture.emulator.getUser(b.id)?.api_enabled).toBe(true);
      expect(fixture.emulator.getUser(c.id)?.api_enabled).toBe(false);
      // One GET confirms the id; one more read of the list confirms the email.
      expect(fixture.routes()).toStrictEqual([
        "GET /users/:id",
        "PATCH /users/:id",
        "GET /users",
        "PATCH /users/:id",
      ]);
    });

    it("fails check for a userId that does not exist, naming the id and the account's size", async () => {
      const host = await fixture.startHost();
      const missing = "5b0e1f7a-0c1d-4e2f-8a9b-0c1d2e3f4a5b";
      const total = fixture.emulator.listUsers().length;

      const { failures } = await host.check(
        urnOf("ghost"),
        {},
        fixture.news({ userId: missing, apiEnabled: true }, "ghost"),
      );

      expect(failures).toStrictEqual([
        {
          property: "userId",
          reason: `Vultr user ${missing} does not exist in this account (the account holds ${total} users): check the userId, or create the user first`,
        },
      ]);
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    });
  });

  describe("a deployment never revokes its own key", () => {
    function adminWithKey(name: string): { admin: EmulatedUser; key: string } {
      const admin = seed(name, { api_enabled: true, acls: ["manage_users", "billing"] });
      return { admin, key: admin.api_key };
    }

    function hostWithKey(key: string) {
      return fixture.startHost({
        config: { "vultr:apiKey": key, "vultr:apiEndpoint": fixture.emulator.baseUrl },
      });
    }

    const refusal = (admin: EmulatedUser) =>
      `refusing to disable API access of ${admin.email} (${admin.id}): the API key this deployment runs with belongs to that user — run this change with the account owner's key`;

    it("refuses in check (preview) to adopt the key's own user with apiEnabled: false", async () => {
      const { admin, key } = adminWithKey("self-admin");
      const host = await hostWithKey(key);
      const urn = urnOf("self");

      const checked = await host.check(
        urn,
        {},
        fixture.news({ userId: admin.id, apiEnabled: false }, "self"),
      );

      expect(checked.failures).toStrictEqual([{ property: "apiEnabled", reason: refusal(admin) }]);
      // What the check costs: the user, one read of its (masked) keys, and no write.
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id/apikeys"]);

      // A create that bypassed check refuses too, from the same answer: no request at all.
      fixture.emulator.clearRequestLog();
      await expect(host.create(urn, checked.inputs)).rejects.toThrow(refusal(admin));
      expect(fixture.routes()).toStrictEqual([]);
      expect(fixture.emulator.getUser(admin.id)?.api_enabled).toBe(true);
      expect(host.output()).not.toContain(key);
    });

    it("refuses in diff (preview) to turn off the key's own user, before any write", async () => {
      const { admin, key } = adminWithKey("self-diff");
      const earlier = await fixture.startHost();
      const adopted = await fixture.adopt(earlier, "self-diff", {
        userId: admin.id,
        apiEnabled: true,
      });
      await fixture.closeHosts();
      fixture.emulator.clearRequestLog();

      const preview = await hostWithKey(key);
      const urn = urnOf("self-diff");
      const checked = await preview.check(
        urn,
        adopted.inputs,
        fixture.news({ userId: admin.id, apiEnabled: false }, "self-diff"),
      );
      expect(checked.failures).toStrictEqual([]);
      await expect(preview.diff(adopted.id, urn, adopted.outs, checked.inputs)).rejects.toThrow(
        refusal(admin),
      );

      // The user (read by check), one read of its keys; nothing written.
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id/apikeys"]);
      expect(fixture.emulator.getUser(admin.id)?.api_enabled).toBe(true);
      // An update that bypassed diff refuses from the same answer, writing nothing.
      fixture.emulator.clearRequestLog();
      await expect(preview.update(adopted.id, urn, adopted.outs, checked.inputs)).rejects.toThrow(
        refusal(admin),
      );
      expect(fixture.routes()).toStrictEqual([]);
    });

    it("refuses in diff a replace that would adopt the key's own user with apiEnabled: false", async () => {
      const { admin, key } = adminWithKey("self-replace");
      const plain = seed("replaced-away", { api_enabled: true });
      const earlier = await fixture.startHost();
      const adopted = await fixture.adopt(earlier, "moving", {
        userId: plain.id,
        apiEnabled: false,
      });
      await fixture.closeHosts();
      fixture.emulator.clearRequestLog();

      const preview = await hostWithKey(key);
      const urn = urnOf("moving");
      const checked = await preview.check(
        urn,
        adopted.inputs,
        fixture.news({ userId: admin.id, apiEnabled: false }, "moving"),
      );
      await expect(preview.diff(adopted.id, urn, adopted.outs, checked.inputs)).rejects.toThrow(
        refusal(admin),
      );
      expect(fixture.routes().filter((route) => !route.startsWith("GET "))).toStrictEqual([]);
      expect(fixture.routes().filter((route) => route.endsWith("/apikeys"))).toHaveLength(1);
    });

    it("warns in diff (preview) that a replace's release of the key's own user will fail", async () => {
      const { admin, key } = adminWithKey("self-release");
      const plain = seed("replaced-to", { api_enabled: true });
      const earlier = await fixture.startHost();
      const adopted = await fixture.adopt(earlier, "releasing", {
        userId: admin.id,
        apiEnabled: true,
        onDelete: "disable",
      });
      await fixture.closeHosts();
      fixture.emulator.clearRequestLog();

      const preview = await hostWithKey(key);
      const urn = urnOf("releasing");
      const checked = await preview.check(
        urn,
        adopted.inputs,
        fixture.news({ userId: plain.id, apiEnabled: true, onDelete: "disable" }, "releasing"),
      );
      const diff = await preview.diff(adopted.id, urn, adopted.outs, checked.inputs);

      expect(diff).toMatchObject({ changes: "DIFF_SOME", replaces: ["userId"] });
      expect(preview.output()).toContain(
        `warning (releasing): the release of Vultr user ${admin.email} (${admin.id}) under onDelete "disable" at the end of up will fail, unless another resource of this program declares that user: ${refusal(admin)}`,
      );
      expect(fixture.routes().filter((route) => !route.startsWith("GET "))).toStrictEqual([]);
      expect(fixture.routes().filter((route) => route.endsWith("/apikeys"))).toHaveLength(1);
    });

    it("refuses an onDelete that would disable the key's own user", async () => {
      const { admin, key } = adminWithKey("self-delete");
      const earlier = await fixture.startHost();
      const adopted = await fixture.adopt(earlier, "self-delete", {
        userId: admin.id,
        apiEnabled: true,
        onDelete: "disable",
      });
      await fixture.closeHosts();

      const destroy = await hostWithKey(key);
      await expect(destroy.delete(adopted.id, urnOf("self-delete"), adopted.outs)).rejects.toThrow(
        /refusing to disable API access of self-delete@example.com/,
      );
      expect(fixture.emulator.getUser(admin.id)?.api_enabled).toBe(true);
    });

    it("disables another admin with an admin's key, and any admin with the owner's key", async () => {
      const { key } = adminWithKey("runner-admin");
      const { admin: other } = adminWithKey("other-admin");
      const { admin: third } = adminWithKey("third-admin");
      const byAdmin = await hostWithKey(key);
      await fixture.adopt(byAdmin, "other", { userId: other.id, apiEnabled: false });
      expect(fixture.emulator.getUser(other.id)?.api_enabled).toBe(false);

      fixture.emulator.clearRequestLog();
      const byOwner = await fixture.startHost();
      await fixture.adopt(byOwner, "third", { userId: third.id, apiEnabled: false });
      expect(fixture.emulator.getUser(third.id)?.api_enabled).toBe(false);
      // The owner's key belongs to no sub-user: one look at the admin's keys, then the PATCH.
      expect(fixture.routes()).toStrictEqual([
        "GET /users",
        "GET /users/:id/apikeys",
        "PATCH /users/:id",
      ]);
    });

    it("costs nothing when the user does not hold manage_users", async () => {
      const plain = seed("plain-user", { api_enabled: true, acls: ["billing"] });
      const host = await fixture.startHost();
      await fixture.adopt(host, "plain", { userId: plain.id, apiEnabled: false });
      expect(fixture.routes()).toStrictEqual(["GET /users", "PATCH /users/:id"]);
    });
  });

  describe("after a key rotation", () => {
    it("says on a 401 in refresh or destroy that one up with the new key is needed first", async () => {
      const user = seed("rotation", { api_enabled: true });
      const earlier = await fixture.startHost();
      const adopted = await fixture.adopt(earlier, "rotation", {
        userId: user.id,
        apiEnabled: true,
      });
      await fixture.closeHosts();

      // The stored configuration still carries a key Vultr no longer accepts.
      const stale = await fixture.startHost({
        config: {
          "vultr:apiKey": "ROTATEDAWAYKEY0000000000000000000000",
          "vultr:apiEndpoint": fixture.emulator.baseUrl,
        },
      });
      const message =
        /Vultr answered 401 .*run `pulumi up` once with the new key first \(or pass `--run-program` to refresh\/destroy\)/;
      await expect(stale.read(adopted.id, urnOf("rotation"), adopted.outs)).rejects.toThrow(
        message,
      );
      await expect(stale.delete(adopted.id, urnOf("rotation"), adopted.outs)).rejects.toThrow(
        message,
      );
    });
  });

  describe("expected failures", () => {
    it("reach the engine as their message alone, with no stack trace in the host's output", async () => {
      const user = seed("no-trace", { api_enabled: true });
      const host = await fixture.startHost();
      const urn = urnOf("no-trace");
      const checked = await host.check(
        urn,
        {},
        fixture.news({ userId: user.id, apiEnabled: false }, "no-trace"),
      );
      fixture.emulator.addFault({ method: "PATCH", path: "/users*", kind: "status", status: 403 });

      await expect(host.create(urn, checked.inputs)).rejects.toThrow(/Vultr answered 403/);

      expect(host.output()).not.toMatch(/\n\s+at /);
      expect(host.output()).not.toMatch(/\.ts:\d+/);
    });
  });

  describe("one user, one resource", () => {
    it("fails check for a second resource naming the same user another way, naming both", async () => {
      const user = seed("twice", { api_enabled: true });
      const host = await fixture.startHost();
      await fixture.adopt(host, "by-id", { userId: user.id, apiEnabled: true });

      const { failures } = await host.check(
        urnOf("by-email"),
        {},
        fixture.news({ email: user.email, apiEnabled: false }, "by-email"),
      );

      expect(failures).toStrictEqual([
        {
          property: "email",
          reason: `Vultr user twice@example.com (${user.id}) is already declared by UserApiAccess "by-id"; UserApiAccess "by-email" declares it too — declare each user's API access once (one by userId and one by email name the same user)`,
        },
      ]);
    });
  });
});
