/**
 * Preview as a review tool, in the real provider host: every message on the resource it
 * concerns (through the engine's Log RPC, here a real gRPC engine service on loopback), naming
 * the user, with the severity a reviewer needs, once per engine pass; and refresh hands the
 * engine the inputs as declared, so drift shows as a property change.
 */
import { useEngineSuite } from "../../support/engine-suite";
import { urnOf, type Adopted } from "../../support/lab";

describe("review in preview, in the real provider host", () => {
  const suite = useEngineSuite({ beforeEach: "clearRequestLog" });
  const { fixture, seed } = suite;
  /** What the engine received since the test began, as "SEVERITY urn-name: message". */
  const logged = () => suite.logged({ keep: true });

  function withoutProvider(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([key]) => key !== "__provider"));
  }

  const earlierUp = (name: string, inputs: Record<string, unknown>): Promise<Adopted> =>
    fixture.earlierUp(name, inputs);

  it("names, on a new resource, whose access its adoption changes", async () => {
    const gains = seed("gains", false);
    const keeps = seed("keeps", true);
    const host = await fixture.startHost({ engineAddress: suite.engine.address });

    for (const [name, user] of [
      ["gains", gains],
      ["keeps", keeps],
    ] as const) {
      const { failures } = await host.check(
        urnOf(name),
        {},
        fixture.news({ userId: user.id, apiEnabled: true }, name),
      );
      expect(failures).toStrictEqual([]);
    }

    expect(logged()).toStrictEqual([
      `INFO gains: will adopt Vultr user gains@example.com (${gains.id}): api_enabled false → true`,
      `INFO keeps: will adopt Vultr user keeps@example.com (${keeps.id}): api_enabled already true; no change`,
    ]);
    expect(suite.engine.received.every((log) => !log.ephemeral)).toBe(true);
    expect(suite.engine.received.map((log) => log.urn)).toStrictEqual([
      urnOf("gains"),
      urnOf("keeps"),
    ]);
  });

  it("puts drift on the resource as a WARNING, once per engine pass, and the write as INFO", async () => {
    const user = seed("drifter", false);
    const adopted = await earlierUp("drifter", { userId: user.id, apiEnabled: false });
    fixture.emulator.setUser(user.id, { api_enabled: true });
    const host = await fixture.startHost({ engineAddress: suite.engine.address });

    // `up --refresh` diffs twice in one process: the refresh's diff and the update's.
    const first = await fixture.preview(host, "drifter", adopted, {
      userId: user.id,
      apiEnabled: false,
    });
    await fixture.preview(host, "drifter", adopted, { userId: user.id, apiEnabled: false });
    await host.update(adopted.id, urnOf("drifter"), adopted.outs, first.inputs);

    expect(logged()).toStrictEqual([
      `WARNING drifter: drift on Vultr user drifter@example.com (${user.id}): api_enabled is true in Vultr, declared false (changed outside Pulumi) — up will set it to false`,
      `INFO drifter: updated: set api_enabled to false on Vultr user drifter@example.com (${user.id}) (was true)`,
    ]);
    expect(host.output()).not.toContain("drift on");
  });

  it("names both users of a replace and what each will get", async () => {
    const before = seed("replaced-from", false);
    const after = seed("replaced-to", false);
    const adopted = await earlierUp("retarget", { userId: before.id, apiEnabled: true });
    const host = await fixture.startHost({ engineAddress: suite.engine.address });

    await fixture.preview(host, "retarget", adopted, { userId: after.id, apiEnabled: true });

    expect(logged()).toStrictEqual([
      `WARNING retarget: userId now names Vultr user replaced-to@example.com (${after.id}) instead of ` +
        `replaced-from@example.com (${before.id}): the resource will be replaced — ` +
        `replaced-to@example.com (${after.id}) will get api_enabled true (now false); ` +
        `replaced-from@example.com (${before.id}) is released under onDelete "restore": api_enabled true → false, ` +
        "unless another resource of this program now declares it",
    ]);
  });

  it("falls back to stdout, naming the resource, when the engine cannot be reached", async () => {
    const user = seed("unreachable", false);
    const host = await fixture.startHost(); // the harness's unreachable 127.0.0.1:1

    await fixture.adopt(host, "unreachable", { userId: user.id, apiEnabled: true });

    expect(host.output()).toContain(
      `info (unreachable): will adopt Vultr user unreachable@example.com (${user.id}): api_enabled false → true`,
    );
    expect(host.output()).toContain(
      `info (unreachable): adopted: set api_enabled to true on Vultr user unreachable@example.com (${user.id}) (was false)`,
    );
    expect(fixture.emulator.getUser(user.id)?.api_enabled).toBe(true);
  });

  describe("refresh", () => {
    it("returns the inputs as declared (by email) with the live apiEnabled, and diff still calls it drift", async () => {
      const user = seed("refreshed", true);
      const adopted = await earlierUp("refreshed", { email: user.email, apiEnabled: false });
      fixture.emulator.setUser(user.id, { api_enabled: true });
      const host = await fixture.startHost({ engineAddress: suite.engine.address });

      const read = await host.read(adopted.id, urnOf("refreshed"), adopted.outs);

      // What the engine diffs for display: only apiEnabled differs from the declaration.
      const inputs = withoutProvider(read.inputs ?? {});
      const declared = withoutProvider(adopted.inputs);
      expect(inputs).toStrictEqual({ ...declared, apiEnabled: true });
      expect(read.outs).toMatchObject({ apiEnabled: true, email: user.email });

      // Refresh's own (inverted) diff and the next preview both see drift, said once.
      await host.diff(adopted.id, urnOf("refreshed"), read.outs, adopted.inputs);
      await host.diff(adopted.id, urnOf("refreshed"), read.outs, adopted.inputs);
      expect(logged()).toStrictEqual([
        `WARNING refreshed: drift on Vultr user refreshed@example.com (${user.id}): api_enabled is true in Vultr, declared false (changed outside Pulumi) — up will set it to false`,
      ]);
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });
  });
});
