/**
 * `allowedIps`: from where a user's API keys work, declared on UserApiAccess, in the real provider
 * host against the emulator's per-user allowlists. Every user starts with Vultr's two defaults,
 * "any IPv4" (0.0.0.0/0) and "any IPv6" (::/0).
 */
import type { EmulatedUser } from "../../../emulator";
import type { ProviderHostError } from "../../support/provider-host";
import { ProviderFixture, urnOf, type Adopted, type Props } from "../../support/lab";

const ANY = ["0.0.0.0/0", "::/0"];
const RUNNERS = ["8.8.8.0/24", "45.76.12.7", "2606:4700::/32"];
const RUNNERS_APPLIED = ["8.8.8.0/24", "45.76.12.7/32", "2606:4700::/32"];

describe("allowedIps in the real provider host", () => {
  const fixture = ProviderFixture.use();

  function seed(name: string, apiEnabled = true): EmulatedUser {
    const [user] = fixture.emulator.seedUsers([
      { email: `${name}@example.com`, name, api_enabled: apiEnabled },
    ]);
    if (user === undefined) throw new Error("seeding failed");
    return user;
  }

  const allowlistOf = (user: EmulatedUser): string[] => fixture.allowlistOf(user);

  /** Method and route of each request, e.g. "POST /users/:id/ip-whitelist". */
  function requests(): string[] {
    return fixture.routes();
  }

  const earlierUp = (name: string, inputs: Props): Promise<Adopted> =>
    fixture.earlierUp(name, inputs);

  it("fails check naming allowedIps[i] and the reason, sending nothing", async () => {
    const user = seed("invalid-list");
    const host = await fixture.startHost();
    const { failures } = await host.check(
      urnOf("invalid"),
      {},
      fixture.news(
        { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.5/24", "10.0.0.0/8"] },
        "invalid",
      ),
    );
    // On the resource, the reason naming the entry: the engine renders a failure on
    // `allowedIps[0]` as `value {<nil>}`.
    expect(failures.map((f) => f.property)).toStrictEqual(["", ""]);
    expect(failures[0]?.reason).toMatch(
      /^allowedIps\[0\] "8\.8\.8\.5\/24" has host bits set.*did you mean 8\.8\.8\.0\/24\?/,
    );
    expect(failures[1]?.reason).toMatch(/^allowedIps\[1\] "10\.0\.0\.0\/8" is a private/);
    expect(requests()).toStrictEqual([]);
  });

  it("adopts a user: adds the declared entries first, then removes the defaults, and records both lists", async () => {
    const user = seed("ci-runner");
    const host = await fixture.startHost();

    const adopted = await fixture.adopt(host, "ci-runner", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: RUNNERS,
    });

    expect(allowlistOf(user)).toStrictEqual([...RUNNERS_APPLIED].sort());
    expect(adopted.outs).toMatchObject({ allowedIps: RUNNERS_APPLIED, initialAllowedIps: ANY });
    expect(requests()).toStrictEqual([
      "GET /users",
      "GET /users/:id/ip-whitelist",
      "POST /users/:id/ip-whitelist",
      "POST /users/:id/ip-whitelist",
      "POST /users/:id/ip-whitelist",
      "DELETE /users/:id/ip-whitelist",
      "DELETE /users/:id/ip-whitelist",
    ]);
    const who = `ci-runner@example.com (${user.id})`;
    expect(host.output()).toContain(
      `info (ci-runner): will adopt Vultr user ${who}: api_enabled already true; no change; ` +
        "API allowlist: add 8.8.8.0/24, 45.76.12.7/32, 2606:4700::/32; remove 0.0.0.0/0, ::/0",
    );
    expect(host.output()).toContain(
      `info (ci-runner): added 8.8.8.0/24 to the API allowlist of Vultr user ${who}`,
    );
    expect(host.output()).toContain(
      `info (ci-runner): removed ::/0 from the API allowlist of Vultr user ${who}`,
    );
  });

  it("writes nothing when adopting a user whose allowlist already is the declaration", async () => {
    const user = seed("already");
    fixture.emulator.setAllowlist(user.id, [{ subnet: "8.8.8.0", subnet_size: 24 }]);
    const host = await fixture.startHost();

    await fixture.adopt(host, "already", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });

    expect(requests()).toStrictEqual(["GET /users", "GET /users/:id/ip-whitelist"]);
  });

  it("finds drift in preview without refresh, names each entry, and repairs it on up", async () => {
    const user = seed("drift-list");
    const adopted = await earlierUp("drift-list", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });
    fixture.emulator.setAllowlist(user.id, [
      { subnet: "8.8.4.0", subnet_size: 24 },
      { subnet: "0.0.0.0", subnet_size: 0 },
    ]);
    const host = await fixture.startHost();
    const declaration = { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"] };

    const { inputs, diff } = await fixture.preview(host, "drift-list", adopted, declaration);
    expect(diff.changes).toBe("DIFF_SOME");
    expect(host.output()).toContain(
      `warning (drift-list): drift on the API allowlist of Vultr user drift-list@example.com (${user.id}): ` +
        "0.0.0.0/0 appeared, 8.8.4.0/24 appeared, 8.8.8.0/24 disappeared (changed outside Pulumi) — " +
        "up will set it back to 8.8.8.0/24",
    );

    const { outs } = await host.update(adopted.id, urnOf("drift-list"), adopted.outs, inputs);
    expect(allowlistOf(user)).toStrictEqual(["8.8.8.0/24"]);
    expect(outs).toMatchObject({ allowedIps: ["8.8.8.0/24"], initialAllowedIps: ANY });
    // One read of the list for the whole pass: diff's, reused by the update.
    expect(requests().filter((r) => r === "GET /users/:id/ip-whitelist")).toHaveLength(1);
  });

  it("removes nothing when an add fails, and converges on the next up", async () => {
    const user = seed("add-fails");
    const adopted = await earlierUp("add-fails", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });
    const host = await fixture.startHost();
    const declaration = { userId: user.id, apiEnabled: true, allowedIps: ["45.76.0.0/16"] };
    const { inputs } = await fixture.preview(host, "add-fails", adopted, declaration);
    fixture.emulator.addFault({
      method: "POST",
      path: `/users/${user.id}/ip-whitelist`,
      kind: "status",
      status: 400,
      body: { error: "Unable to add subnet.", status: 400 },
    });

    await expect(host.update(adopted.id, urnOf("add-fails"), adopted.outs, inputs)).rejects.toThrow(
      /Adding 45\.76\.0\.0\/16 to the API allowlist of Vultr user .*: Vultr answered 400 "Unable to add subnet\."/,
    );
    expect(allowlistOf(user)).toStrictEqual(["8.8.8.0/24"]);
    expect(requests()).not.toContain("DELETE /users/:id/ip-whitelist");

    await fixture.closeHosts();
    const next = await fixture.startHost();
    const again = await fixture.preview(next, "add-fails", adopted, declaration);
    await next.update(adopted.id, urnOf("add-fails"), adopted.outs, again.inputs);
    expect(allowlistOf(user)).toStrictEqual(["45.76.0.0/16"]);
  });

  it("keeps the list found at adoption when a create fails after writing the allowlist", async () => {
    const user = seed("half-adopted", false);
    const host = await fixture.startHost();
    const urn = urnOf("half-adopted");
    const declaration = { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"] };
    const checked = await host.check(urn, {}, fixture.news(declaration, "half-adopted"));
    fixture.emulator.addFault({ method: "PATCH", kind: "status", status: 400, persistent: true });

    const failure = await host.create(urn, checked.inputs).then(
      () => undefined,
      (error: unknown) => error as ProviderHostError,
    );
    fixture.emulator.clearFaults();

    expect(failure?.message).toMatch(/Setting api_enabled=true on Vultr user .*Vultr answered 400/);
    // The engine keeps the resource with what was applied and what was found.
    expect(failure?.initFailure?.id).toBe(user.id);
    const properties = failure?.initFailure?.properties ?? {};
    expect(properties).toMatchObject({
      apiEnabled: false,
      allowedIps: ["8.8.8.0/24"],
      initialAllowedIps: ANY,
      initialApiEnabled: false,
      __provider: fixture.provider,
    });

    // The next up is an update of that state: it finishes, and restore still knows the original.
    await fixture.closeHosts();
    const next = await fixture.startHost();
    const state = { id: user.id, outs: properties, inputs: checked.inputs };
    const { inputs, diff } = await fixture.preview(next, "half-adopted", state, declaration);
    expect(diff.changes).toBe("DIFF_SOME");
    const { outs } = await next.update(user.id, urn, properties, inputs);
    expect(outs).toMatchObject({
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
      initialAllowedIps: ANY,
    });
    await next.delete(user.id, urn, outs);
    expect(allowlistOf(user)).toStrictEqual(ANY);
    expect(fixture.emulator.getUser(user.id)?.api_enabled).toBe(false);
  });

  it("stops managing the list when allowedIps is removed, leaving it as it is", async () => {
    const user = seed("unmanaged");
    const adopted = await earlierUp("unmanaged", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });
    const host = await fixture.startHost();

    const { inputs, diff } = await fixture.preview(host, "unmanaged", adopted, {
      userId: user.id,
      apiEnabled: true,
    });
    expect(diff.changes).toBe("DIFF_SOME");
    expect(host.output()).toContain(
      `allowedIps is no longer declared: up will stop managing the API allowlist of Vultr user unmanaged@example.com (${user.id}) and leave it as it is`,
    );
    const { outs } = await host.update(adopted.id, urnOf("unmanaged"), adopted.outs, inputs);

    expect(outs.allowedIps).toBeUndefined();
    expect(outs.initialAllowedIps).toBeUndefined();
    expect(allowlistOf(user)).toStrictEqual(["8.8.8.0/24"]);
    expect(requests().filter((r) => r.includes("ip-whitelist"))).toStrictEqual([]);
  });

  describe("onDelete", () => {
    it.each([
      ["restore", true, ANY],
      ["disable", false, ["8.8.8.0/24"]],
      ["retain", true, ["8.8.8.0/24"]],
    ] as const)("%s: api_enabled %s, allowlist %j", async (onDelete, apiEnabled, allowlist) => {
      const user = seed(`delete-${onDelete}`);
      const adopted = await earlierUp(`delete-${onDelete}`, {
        userId: user.id,
        apiEnabled: true,
        allowedIps: ["8.8.8.0/24"],
        onDelete,
      });
      const host = await fixture.startHost();

      await host.delete(adopted.id, urnOf(`delete-${onDelete}`), adopted.outs);

      expect(fixture.emulator.getUser(user.id)?.api_enabled).toBe(apiEnabled);
      expect(allowlistOf(user)).toStrictEqual([...allowlist].sort());
    });
  });

  it("refresh records the live list, and hands it to the engine as the input", async () => {
    const user = seed("refresh-list");
    const adopted = await earlierUp("refresh-list", {
      userId: user.id,
      apiEnabled: true,
      allowedIps: ["8.8.8.0/24"],
    });
    fixture.emulator.setAllowlist(user.id, [{ subnet: "8.8.4.0", subnet_size: 24 }]);
    const host = await fixture.startHost();

    const read = await host.read(adopted.id, urnOf("refresh-list"), adopted.outs);

    expect(read.outs).toMatchObject({ allowedIps: ["8.8.4.0/24"], initialAllowedIps: ANY });
    expect(read.inputs).toMatchObject({ allowedIps: ["8.8.4.0/24"], apiEnabled: true });
    // The next diff compares with what was declared, not with what refresh recorded: drift.
    await host.diff(adopted.id, urnOf("refresh-list"), read.outs, adopted.inputs);
    expect(host.output()).toContain(
      `warning (refresh-list): drift on the API allowlist of Vultr user refresh-list@example.com (${user.id}): ` +
        "8.8.4.0/24 appeared, 8.8.8.0/24 disappeared (changed outside Pulumi) — up will set it back to 8.8.8.0/24",
    );
  });

  it("costs one allowlist read per resource that declares allowedIps, and nothing for the others", async () => {
    const users = ["budget-a", "budget-b", "budget-c"].map((name) => seed(name));
    const declarations: Record<string, Props> = {
      "budget-a": { userId: users[0]!.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"] },
      "budget-b": { userId: users[1]!.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"] },
      "budget-c": { userId: users[2]!.id, apiEnabled: true },
    };
    const state: Record<string, Adopted> = {};
    const setup = await fixture.startHost();
    for (const [name, inputs] of Object.entries(declarations)) {
      state[name] = await fixture.adopt(setup, name, inputs);
    }
    await fixture.closeHosts();
    fixture.emulator.clearRequestLog();

    const preview = await fixture.startHost();
    for (const [name, inputs] of Object.entries(declarations)) {
      const { diff } = await fixture.preview(preview, name, state[name]!, inputs);
      expect(diff.changes).toBe("DIFF_NONE");
    }

    expect(requests().sort()).toStrictEqual(
      ["GET /users", "GET /users/:id/ip-whitelist", "GET /users/:id/ip-whitelist"].sort(),
    );
  });
});
