/**
 * State written by the 0.1 release (no `__urn`, no `__inputs`: 0.1's check stored the email and
 * the userId it resolved as inputs, its create the outputs below), in the real provider host with
 * a gRPC engine on loopback: refresh keeps the declared inputs, and the first up records what
 * refresh and destroy need, so that destroy reports on the resource.
 */
import { useEngineSuite } from "../../support/engine-suite";
import { urnOf, type Props } from "../../support/lab";

describe("upgrading from 0.1, in the real provider host", () => {
  const suite = useEngineSuite({ beforeEach: "reset" });
  const { fixture, seed, who, logged, host } = suite;

  /** What 0.1's check stored as inputs and its create as outputs, for a user declared by email. */
  function phaseOneState(user: { id: string; email: string; name: string }) {
    const inputs: Props = {
      ...fixture.news({
        email: user.email,
        userId: user.id,
        apiEnabled: false,
        onDelete: "restore",
      }),
      __fleetSize: 1,
    };
    const outs: Props = {
      ...fixture.news({}),
      userId: user.id,
      email: user.email,
      name: user.name,
      apiEnabled: false,
      acls: [],
      initialApiEnabled: true,
      onDelete: "restore",
      __fleetSize: 1,
    };
    return { inputs, outs };
  }

  it("refresh keeps the declared inputs (the email stays an email)", async () => {
    const user = seed("legacy-refresh", false);
    const { outs } = phaseOneState(user);
    const refresh = await host();

    const read = await refresh.read(user.id, urnOf("legacy-refresh"), outs);

    expect(read.id).toBe(user.id);
    // No inputs: the engine keeps the ones it holds, which are what the user declared.
    expect(read.inputs).toStrictEqual({});
  });

  it("the first up records the URN and the declaration, so destroy reports on the resource", async () => {
    const user = seed("legacy", false);
    const { inputs, outs } = phaseOneState(user);
    const urn = urnOf("legacy");
    const declared = { email: user.email, apiEnabled: false };

    const preview = await host();
    const planned = await fixture.preview(
      preview,
      "legacy",
      { id: user.id, outs, inputs },
      declared,
    );
    expect(planned.diff.changes).toBe("DIFF_SOME");
    expect(logged()).toStrictEqual([
      "INFO legacy: state written by an earlier release of pulumi-vultr-user-access: up will record this " +
        "resource's URN and declaration (nothing changes in Vultr), so that refresh shows drift as a " +
        "property change and destroy reports on this resource",
    ]);
    await fixture.closeHosts();

    const up = await host();
    const checked = await up.check(urn, inputs, fixture.news(declared, "legacy"));
    const updated = await up.update(user.id, urn, outs, checked.inputs);
    expect(fixture.patchBodies()).toStrictEqual([]);
    expect(updated.outs).toMatchObject({ __urn: urn, __inputs: { email: user.email } });
    await fixture.closeHosts();

    const refresh = await host();
    const read = await refresh.read(user.id, urn, updated.outs);
    expect(read.inputs).toMatchObject({ email: user.email, apiEnabled: false });
    await fixture.closeHosts();

    const destroy = await host();
    await destroy.delete(user.id, urn, updated.outs);
    expect(suite.engine.received.map((log) => log.urn)).toStrictEqual([urn]);
    expect(logged()).toStrictEqual([
      `INFO legacy: removed (onDelete "restore"): set api_enabled to true on Vultr user ${who(user)} (was false)`,
    ]);
  });
});
