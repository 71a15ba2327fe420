/**
 * Access never reverses, whatever the engine's order. Each scenario plays one deployment in one
 * provider process in the engine's real order — checks and diffs one at a time, creates of new
 * resources (and of replacements), and deletes of old ones at the end — then a fresh process
 * previews the same program, as `pulumi preview --expect-no-changes` would.
 */
import type { EmulatedUser } from "../../../emulator";
import type { ProviderHost } from "../../support/provider-host";
import { ProviderFixture, urnOf, type Adopted, type Props } from "../../support/lab";

describe("one deployment, declarations that move between resources", () => {
  const fixture = ProviderFixture.use({ beforeEach: "nothing" });

  function seed(name: string, apiEnabled: boolean): EmulatedUser {
    const [user] = fixture.emulator.seedUsers([
      { email: `${name}@example.com`, name, api_enabled: apiEnabled },
    ]);
    if (user === undefined) throw new Error("seeding failed");
    return user;
  }

  function live(user: EmulatedUser): boolean | undefined {
    return fixture.emulator.getUser(user.id)?.api_enabled;
  }

  /** A first `pulumi up` in its own provider process. */
  async function firstUp(resources: Record<string, Props>): Promise<Record<string, Adopted>> {
    const host = await fixture.startHost();
    const adopted: Record<string, Adopted> = {};
    for (const [name, inputs] of Object.entries(resources)) {
      adopted[name] = await fixture.adopt(host, name, inputs);
    }
    await fixture.closeHosts();
    return adopted;
  }

  /** A later preview in a fresh process: does any resource plan a change? */
  async function changesPlanned(state: Record<string, Adopted>, program: Record<string, Props>) {
    const host = await fixture.startHost();
    const planned: string[] = [];
    for (const [name, declaration] of Object.entries(program)) {
      const previous = state[name];
      if (previous === undefined) {
        planned.push(`${name}: create`);
        continue;
      }
      const { diff } = await fixture.preview(host, name, previous, declaration);
      if (diff.changes !== "DIFF_NONE") {
        planned.push(`${name}: ${diff.replaces.length > 0 ? "replace" : "update"}`);
      }
    }
    for (const name of Object.keys(state)) if (!(name in program)) planned.push(`${name}: delete`);
    return planned;
  }

  /** Create of a new resource in the running deployment: Check, then Create. */
  async function create(host: ProviderHost, name: string, inputs: Props): Promise<Adopted> {
    return fixture.adopt(host, name, inputs);
  }

  /** A replace in the running deployment: Check, Diff (replace), Create of the replacement. */
  async function replace(host: ProviderHost, name: string, previous: Adopted, inputs: Props) {
    const { inputs: checked, diff } = await fixture.preview(host, name, previous, inputs);
    expect(diff.replaces.length).toBeGreaterThan(0);
    const created = await host.create(urnOf(name), checked);
    return { id: created.id, outs: created.outs, inputs: checked };
  }

  it("renaming a resource without an alias leaves the user with the new declaration", async () => {
    const user = seed("rename", false);
    const before = await firstUp({ old: { userId: user.id, apiEnabled: true } });
    expect(live(user)).toBe(true);

    // The program now calls the resource "renamed": create the new, then delete the old.
    const host = await fixture.startHost();
    const renamed = await create(host, "renamed", { userId: user.id, apiEnabled: true });
    fixture.emulator.clearRequestLog();
    await host.delete(before.old!.id, urnOf("old"), before.old!.outs);

    expect(fixture.routes()).toStrictEqual([]);
    expect(live(user)).toBe(true);
    // The new resource recorded the value the old one applied (on); the user's value before
    // Pulumi (off) goes with the old state, and the release says so on the old resource.
    expect(host.output()).toContain(
      `warning (old): released: Vultr user rename@example.com (${user.id}) is now managed by UserApiAccess "renamed"; it had API access off before Pulumi, UserApiAccess "renamed" records on, and destroying it will restore on — use an alias to keep the original`,
    );
    expect(renamed.outs.initialApiEnabled).toBe(true);
    await fixture.closeHosts();
    const program = { renamed: { userId: user.id, apiEnabled: true } };
    expect(await changesPlanned({ renamed }, program)).toStrictEqual([]);
  });

  it("renaming a resource that manages the allowlist names the allowlist the old one found", async () => {
    const user = seed("rename-list", true);
    const declaration = { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"] };
    const before = await firstUp({ "old-list": declaration });
    expect(before["old-list"]!.outs.initialAllowedIps).toStrictEqual(["0.0.0.0/0", "::/0"]);

    const host = await fixture.startHost();
    const renamed = await create(host, "new-list", declaration);
    await host.delete(before["old-list"]!.id, urnOf("old-list"), before["old-list"]!.outs);

    expect(renamed.outs.initialAllowedIps).toStrictEqual(["8.8.8.0/24"]);
    expect(host.output()).toContain(
      `warning (old-list): released: Vultr user rename-list@example.com (${user.id}) is now managed by UserApiAccess "new-list"; it had the API allowlist 0.0.0.0/0, ::/0 before Pulumi, UserApiAccess "new-list" records 8.8.8.0/24, and destroying it will restore 8.8.8.0/24 — use an alias to keep the original`,
    );
  });

  it("swapping two resources' userIds leaves both users as now declared", async () => {
    const first = seed("swap-one", false);
    const second = seed("swap-two", true);
    const state = await firstUp({
      a: { userId: first.id, apiEnabled: true },
      b: { userId: second.id, apiEnabled: false },
    });
    expect([live(first), live(second)]).toStrictEqual([true, false]);

    const host = await fixture.startHost();
    const a = await replace(host, "a", state.a!, { userId: second.id, apiEnabled: true });
    const b = await replace(host, "b", state.b!, { userId: first.id, apiEnabled: false });
    await host.delete(state.a!.id, urnOf("a"), state.a!.outs);
    await host.delete(state.b!.id, urnOf("b"), state.b!.outs);

    expect([live(first), live(second)]).toStrictEqual([false, true]);
    // a adopted `second` before b's diff said what `second` had before this stack (true): a
    // records false, and the release of `second` by the old b says which value is dropped.
    expect(a.outs.initialApiEnabled).toBe(false);
    expect(host.output()).toContain(
      `warning (b): released: Vultr user swap-two@example.com (${second.id}) is now managed by UserApiAccess "a"; it had API access on before Pulumi, UserApiAccess "a" records off, and destroying it will restore off — keep each user under its own resource (change apiEnabled, not userId) to keep the original`,
    );
    expect(host.output()).toContain(
      `info (a): released: Vultr user swap-one@example.com (${first.id}) is now managed by UserApiAccess "b"; nothing changed`,
    );
    // b's diff ran after a had adopted `second`, but before b adopted `first`: b carries the
    // value `first` had before this stack (false) forward from a, the resource it replaced.
    expect(b.outs.initialApiEnabled).toBe(false);
    expect(a.outs.userId).toBe(second.id);
    await fixture.closeHosts();
    const program = {
      a: { userId: second.id, apiEnabled: true },
      b: { userId: first.id, apiEnabled: false },
    };
    expect(await changesPlanned({ a, b }, program)).toStrictEqual([]);
  });

  it("a fleet entry switched from email to userId under a stable name is no change at all", async () => {
    const user = seed("fleet-switch", true);
    const state = await firstUp({
      "fleet-switch": { email: "fleet-switch@example.com", apiEnabled: false },
    });
    expect(live(user)).toBe(false);
    fixture.emulator.clearRequestLog();

    const program = { "fleet-switch": { userId: user.id, apiEnabled: false } };
    expect(await changesPlanned(state, program)).toStrictEqual([]);
    expect(fixture.routes().filter((route) => route.startsWith("PATCH"))).toStrictEqual([]);
  });

  it("a fleet entry renamed from its email to its id (the old naming) keeps the declared value", async () => {
    const user = seed("fleet-rename", true);
    const byEmail = "fleet-rename@example.com";
    const state = await firstUp({ [byEmail]: { email: byEmail, apiEnabled: false } });

    const host = await fixture.startHost();
    const renamed = await create(host, user.id, { userId: user.id, apiEnabled: false });
    await host.delete(state[byEmail]!.id, urnOf(byEmail), state[byEmail]!.outs);

    expect(live(user)).toBe(false);
    await fixture.closeHosts();
    const program = { [user.id]: { userId: user.id, apiEnabled: false } };
    expect(await changesPlanned({ [user.id]: renamed }, program)).toStrictEqual([]);
  });

  it("a resource removed from the program still restores its user when nobody took it over", async () => {
    const user = seed("removed", false);
    const state = await firstUp({ removed: { userId: user.id, apiEnabled: true } });
    const host = await fixture.startHost();
    await host.delete(state.removed!.id, urnOf("removed"), state.removed!.outs);
    expect(live(user)).toBe(false);
  });
});
