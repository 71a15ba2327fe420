/**
 * Issue 16's provider-side rough edges, in the real provider host with a gRPC engine on
 * loopback: forecasts said once per `up` (in its preview half), failures not echoed under the
 * stack, a declared allowlist change as INFO, allowlist failures on the resource with examples
 * the validator accepts, and redundant entries noted (the 0.1 state: state-upgrade.test.ts).
 */
import { useEngineSuite } from "../../support/engine-suite";
import { ProviderHostError } from "../../support/provider-host";
import { urnOf } from "../../support/lab";
import { PolicyDriver, policyUrn } from "../api-access-policy/policy-host";

describe("rough edges, in the real provider host", () => {
  const { fixture, seed, who, logged, host } = useEngineSuite({ beforeEach: "reset" });
  let policy: PolicyDriver;
  beforeAll(async () => {
    policy = await PolicyDriver.start(fixture);
  });

  describe("the update half of `up` does not say the preview's forecasts again", () => {
    it("UserApiAccess: `will adopt` in the preview, only the audit line in the update", async () => {
      const user = seed("adoptee", false);
      const declared = { userId: user.id, apiEnabled: true };
      const urn = urnOf("adoptee");

      const preview = await host();
      await preview.check(urn, {}, { ...fixture.news(declared, "adoptee"), __preview: true });
      expect(logged()).toStrictEqual([
        `INFO adoptee: will adopt Vultr user ${who(user)}: api_enabled false → true`,
      ]);

      const update = await host();
      const checked = await update.check(
        urn,
        {},
        {
          ...fixture.news(declared, "adoptee"),
          __preview: false,
        },
      );
      // The announcement reaches neither the state nor `preview --diff`.
      expect(checked.inputs).not.toHaveProperty("__preview");
      await update.create(urn, checked.inputs);
      expect(logged()).toStrictEqual([
        `INFO adoptee: adopted: set api_enabled to true on Vultr user ${who(user)} (was false)`,
      ]);
    });

    it("ApiAccessPolicy: `would disable` in the preview, only `disabled` in the update", async () => {
      const ci = seed("ci", true);
      const bob = seed("bob", true);
      const [admin] = fixture.emulator.seedUsers([
        { email: "admin@example.com", name: "admin", api_enabled: true, acls: ["manage_users"] },
      ]);
      const inputs = { allowed: [ci.id], includeAdmins: false, __preview: true };

      const preview = await host();
      await policy.check(preview, "api-access", inputs);
      expect(logged()).toStrictEqual([
        `WARNING api-access: ${who(admin!)} is not allowed by the policy but holds manage_users: left alone (set includeAdmins: true to include admins)`,
        `WARNING api-access: would disable API access of ${who(bob)}: not allowed by the policy`,
      ]);

      const update = await host();
      const checked = await policy.check(update, "api-access", { ...inputs, __preview: false });
      expect(checked.inputs).not.toHaveProperty("__preview");
      await update.create(policyUrn("api-access"), checked.inputs);
      expect(logged()).toStrictEqual([
        `INFO api-access: disabled API access of ${who(bob)} (not allowed by ApiAccessPolicy "api-access")`,
      ]);
    });

    it("diff's drift line is the preview's; the update says what it wrote", async () => {
      const user = seed("drifter", false);
      const first = await host();
      const adopted = await fixture.adopt(first, "drifter", { userId: user.id, apiEnabled: false });
      await fixture.closeHosts();
      fixture.emulator.setUser(user.id, { api_enabled: true });
      logged();

      const update = await host();
      const checked = await update.check(urnOf("drifter"), adopted.inputs, {
        ...fixture.news({ userId: user.id, apiEnabled: false }, "drifter"),
        __preview: false,
      });
      const diff = await update.diff(adopted.id, urnOf("drifter"), adopted.outs, checked.inputs);
      expect(diff.changes).toBe("DIFF_SOME");
      await update.update(adopted.id, urnOf("drifter"), adopted.outs, checked.inputs);
      expect(logged()).toStrictEqual([
        `INFO drifter: updated: set api_enabled to false on Vultr user ${who(user)} (was true)`,
      ]);
    });
  });

  it("an explained failure reaches the engine once, as the step's error, and is not echoed", async () => {
    const user = seed("faulty", true);
    const first = await host();
    const adopted = await fixture.adopt(first, "faulty", { userId: user.id, apiEnabled: true });
    await fixture.closeHosts();
    fixture.emulator.addFault({
      method: "GET",
      path: "/users*",
      kind: "status",
      status: 400,
      persistent: true,
    });
    const failing = await host();

    const error = await failing
      .diff(adopted.id, urnOf("faulty"), adopted.outs, adopted.inputs)
      .catch((e: unknown) => e);
    const deleted = await failing
      .delete(adopted.id, urnOf("faulty"), adopted.outs)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderHostError);
    expect(deleted).toBeInstanceOf(ProviderHostError);
    const text = (error as ProviderHostError).message;
    expect(text).toMatch(/^Listing Vultr users: Vultr answered 400 "Bad Request"/);
    expect(text).not.toMatch(/:\s*$/);
    // The host's `${error}: ${error.stack}` would land under the stack, ending in ": ".
    expect(failing.output()).toBe("");
  });

  it("adding allowedIps to an existing resource is a declared change: INFO, not a warning", async () => {
    const user = seed("narrowed", true);
    const first = await host();
    const adopted = await fixture.adopt(first, "narrowed", { userId: user.id, apiEnabled: true });
    await fixture.closeHosts();
    logged();

    const preview = await host();
    const { diff } = await fixture.preview(preview, "narrowed", adopted, {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });

    expect(diff.changes).toBe("DIFF_SOME");
    expect(logged()).toStrictEqual([
      `INFO narrowed: the API allowlist of Vultr user ${who(user)} will change: add 8.8.8.0/24; remove 0.0.0.0/0, ::/0`,
    ]);
  });

  describe("allowedIps in check", () => {
    it("a bad entry fails on the resource, naming the entry, with examples the validator accepts", async () => {
      const user = seed("typo", true);
      const preview = await host();

      const { failures } = await preview.check(
        urnOf("typo"),
        {},
        fixture.news(
          { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.8", "nonsense"] },
          "typo",
        ),
      );

      expect(failures).toStrictEqual([
        {
          property: "",
          reason:
            'allowedIps[1] "nonsense" is not an IP address or CIDR range (expected e.g. 8.8.8.8, 45.76.0.0/16 or 2606:4700::/32)',
        },
      ]);
      // Each example, declared as such, passes check.
      const examples = await preview.check(
        urnOf("typo"),
        {},
        fixture.news(
          {
            userId: user.id,
            apiEnabled: true,
            allowedIps: ["8.8.8.8", "45.76.0.0/16", "2606:4700::/32"],
          },
          "typo",
        ),
      );
      expect(examples.failures).toStrictEqual([]);
    });

    it("an entry a wider one already admits is noted, not refused", async () => {
      const user = seed("redundant", true);
      const preview = await host();

      const { failures } = await preview.check(
        urnOf("redundant"),
        {},
        fixture.news(
          { userId: user.id, apiEnabled: true, allowedIps: ["0.0.0.0/0", "8.8.8.0/24"] },
          "redundant",
        ),
      );

      expect(failures).toStrictEqual([]);
      expect(logged()).toContain(
        "WARNING redundant: allowedIps[1] 8.8.8.0/24 is already admitted by 0.0.0.0/0 (allowedIps[0]): " +
          "it adds nothing — remove it, or remove 0.0.0.0/0 if the keys should work from the narrower ranges only",
      );
    });
  });
});
