/**
 * A user whose UserApiAccess declares `apiEnabled: false` is that resource's to turn off, not the
 * policy's: the policy neither counts it against `maxDisabled` nor writes it, in whichever order
 * the engine runs the steps of one deployment (one provider process), and destroy restores every
 * such user to the value it had before Pulumi. The program's SDK passes the users its
 * UserApiAccess resources turn off as the hidden input `__declaredOff` (see tests/sdk/policy*).
 */
import type { EmulatedUser } from "../../../emulator";
import type { ProviderHost } from "../../support/provider-host";
import { ProviderFixture, urnOf, type Adopted, type Props } from "../../support/lab";
import { listed, PolicyDriver, policyUrn, seedAccount, type PolicyState } from "./policy-host";

describe("ApiAccessPolicy and the users the program's UserApiAccess turns off", () => {
  const fixture = ProviderFixture.use({ beforeEach: "reset" });
  let policy: PolicyDriver;
  beforeAll(async () => {
    policy = await PolicyDriver.start(fixture);
  });

  const apiEnabled = (user: EmulatedUser) => fixture.emulator.getUser(user.id)?.api_enabled;
  const patched = () =>
    fixture.emulator
      .requestLog()
      .filter((entry) => entry.method === "PATCH")
      .map((entry) => `${entry.path} ${JSON.stringify(entry.body)}`)
      .sort();
  const disable = (user: EmulatedUser) => `/users/${user.id} {"api_enabled":false}`;

  /**
   * The program of the bug: u1 and u2 declared off by UserApiAccess, the policy allows only u3
   * with maxDisabled 1; u4 is the one user the policy itself must disable.
   */
  function account() {
    return seedAccount(fixture, {
      u1: { api_enabled: true },
      u2: { api_enabled: true },
      u3: { api_enabled: true },
      u4: { api_enabled: true },
    });
  }
  const access = (name: string): Props => ({ email: `${name}@example.com`, apiEnabled: false });
  const declaration: Props = {
    allowed: ["u3@example.com"],
    maxDisabled: 1,
    __declaredOff: ["u1@example.com", "u2@example.com"],
  };

  type Step =
    "check u1" | "check u2" | "check policy" | "create u1" | "create u2" | "create policy";
  /** Orders the engine may run a first `up` in: each resource's check precedes its create. */
  const ORDERS: Record<string, Step[]> = {
    "the policy first": [
      "check policy",
      "create policy",
      "check u1",
      "create u1",
      "check u2",
      "create u2",
    ],
    "the UserApiAccess resources first": [
      "check u1",
      "create u1",
      "check u2",
      "create u2",
      "check policy",
      "create policy",
    ],
    "checks first, then the policy's create between the others": [
      "check u1",
      "check u2",
      "check policy",
      "create u1",
      "create policy",
      "create u2",
    ],
  };

  /** One first `up` in one provider process, in `order`. */
  async function up(host: ProviderHost, order: Step[], inputs: Props = declaration) {
    const checked: Record<string, Props> = {};
    const access: Record<string, Adopted> = {};
    let state: PolicyState | undefined;
    for (const step of order) {
      const [verb, name] = step.split(" ") as ["check" | "create", string];
      const isPolicy = name === "policy";
      if (verb === "check") {
        const result = isPolicy
          ? await policy.check(host, "api-access", inputs)
          : await host.check(urnOf(name), {}, fixture.news(accessOf(name), name));
        expect(result.failures).toStrictEqual([]);
        checked[name] = result.inputs;
      } else if (isPolicy) {
        const created = await host.create(policyUrn("api-access"), checked[name]!);
        state = { id: created.id, outs: created.outs, inputs: checked[name]! };
      } else {
        const created = await host.create(urnOf(name), checked[name]!);
        access[name] = { id: created.id, outs: created.outs, inputs: checked[name]! };
      }
    }
    return { policy: state!, access };
  }
  const accessOf = (name: string) => access(name);

  it.each(Object.keys(ORDERS))(
    "preview of the bug's program passes the maxDisabled guard, checked in the order of an up with %s",
    async (order) => {
      const { u1, u2, u4 } = account();
      fixture.emulator.clearRequestLog();
      const host = await fixture.startHost();

      for (const step of ORDERS[order]!.filter((s) => s.startsWith("check"))) {
        const name = step.split(" ")[1]!;
        const result =
          name === "policy"
            ? await policy.check(host, "api-access", declaration)
            : await host.check(urnOf(name), {}, fixture.news(access(name), name));
        expect(result.failures).toStrictEqual([]);
      }

      const output = host.output();
      expect(output).toContain(
        `would disable API access of u4@example.com (${u4!.id}): not allowed by the policy`,
      );
      for (const user of [u1!, u2!]) {
        expect(output).not.toContain(`would disable API access of ${user.email}`);
      }
      expect(patched()).toStrictEqual([]);
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    },
  );

  it.each(Object.keys(ORDERS))(
    "up with %s: the policy disables only its own violator, each user records its pre-Pulumi value, and destroy restores both",
    async (order) => {
      const { u1, u2, u3, u4 } = account();
      fixture.emulator.clearRequestLog();
      const host = await fixture.startHost();

      const state = await up(host, ORDERS[order]!);

      expect(patched()).toStrictEqual([disable(u1!), disable(u2!), disable(u4!)].sort());
      expect(fixture.routes().filter((route) => route === "GET /users")).toHaveLength(1);
      expect([u1, u2, u3, u4].map((u) => apiEnabled(u!))).toStrictEqual([
        false,
        false,
        true,
        false,
      ]);
      // What is true after the up: u1 and u2 are off by their own declarations.
      expect(state.policy.outs).toMatchObject({ violators: listed(u4!), disabled: listed(u4!) });
      expect(state.access.u1!.outs.initialApiEnabled).toBe(true);
      expect(state.access.u2!.outs.initialApiEnabled).toBe(true);
      await fixture.closeHosts();

      // The next preview, in a fresh process: nothing planned.
      const next = await fixture.startHost();
      const { diff } = await policy.preview(next, "api-access", state.policy, declaration);
      expect(diff.changes).toBe("DIFF_NONE");
      for (const name of ["u1", "u2"]) {
        const { diff: accessDiff } = await fixture.preview(
          next,
          name,
          state.access[name]!,
          access(name),
        );
        expect(accessDiff.changes).toBe("DIFF_NONE");
      }
      await fixture.closeHosts();

      // destroy, in the reverse of the up's order: the policy's delete writes nothing; each
      // UserApiAccess restores its user.
      fixture.emulator.clearRequestLog();
      const destroy = await fixture.startHost();
      const creates = ORDERS[order]!.filter((s) => s.startsWith("create")).reverse();
      for (const name of creates.map((step) => step.split(" ")[1]!)) {
        if (name === "policy") {
          await destroy.delete(state.policy.id, policyUrn("api-access"), state.policy.outs);
        } else {
          await destroy.delete(state.access[name]!.id, urnOf(name), state.access[name]!.outs);
        }
      }
      expect([u1, u2, u3, u4].map((u) => apiEnabled(u!))).toStrictEqual([true, true, true, false]);
      expect(patched()).toStrictEqual(
        [u1!, u2!].map((u) => `/users/${u.id} {"api_enabled":true}`).sort(),
      );
    },
  );

  it("with a cap high enough for all three, the policy first: both users are still restored by destroy", async () => {
    const { u1, u2, u4 } = account();
    const host = await fixture.startHost();
    const state = await up(host, ORDERS["the policy first"]!, { ...declaration, maxDisabled: 5 });
    expect(state.policy.outs).toMatchObject({ violators: listed(u4!), disabled: listed(u4!) });
    await fixture.closeHosts();

    const destroy = await fixture.startHost();
    for (const name of ["u2", "u1"]) {
      await destroy.delete(state.access[name]!.id, urnOf(name), state.access[name]!.outs);
    }
    await destroy.delete(state.policy.id, policyUrn("api-access"), state.policy.outs);
    expect([u1, u2, u4].map((u) => apiEnabled(u!))).toStrictEqual([true, true, false]);
  });

  it("a declaration the policy was not told of: the user the policy disabled still records its pre-Pulumi value", async () => {
    const { u1, u4 } = account();
    const host = await fixture.startHost();
    // The policy runs first and knows of no UserApiAccess (one declared out of the SDK's sight).
    const state = await policy.create(host, "api-access", {
      allowed: ["u3@example.com", "u2@example.com"],
    });
    expect(state.outs).toMatchObject({ disabled: listed(u1!, u4!) });
    const adopted = await fixture.adopt(host, "u1", access("u1"));
    expect(adopted.outs.initialApiEnabled).toBe(true);
    await fixture.closeHosts();

    const destroy = await fixture.startHost();
    await destroy.delete(state.id, policyUrn("api-access"), state.outs);
    await destroy.delete(adopted.id, urnOf("u1"), adopted.outs);
    expect([apiEnabled(u1!), apiEnabled(u4!)]).toStrictEqual([true, false]);
  });

  it("a stack the previous release deployed (no __declaredOff) previews with no changes", async () => {
    const { u1, u2, u4 } = account();
    const first = await fixture.startHost();
    const u1State = await fixture.adopt(first, "u1", access("u1"));
    const u2State = await fixture.adopt(first, "u2", access("u2"));
    const previous = { ...declaration };
    delete previous.__declaredOff;
    const state = await policy.create(first, "api-access", previous);
    expect(state.outs).toMatchObject({ disabled: listed(u4!) });
    await fixture.closeHosts();
    expect([apiEnabled(u1!), apiEnabled(u2!)]).toStrictEqual([false, false]);

    fixture.emulator.clearRequestLog();
    const host = await fixture.startHost();
    expect((await fixture.preview(host, "u1", u1State, access("u1"))).diff.changes).toBe(
      "DIFF_NONE",
    );
    expect((await fixture.preview(host, "u2", u2State, access("u2"))).diff.changes).toBe(
      "DIFF_NONE",
    );
    const { diff } = await policy.preview(host, "api-access", state, declaration);
    expect(diff.changes).toBe("DIFF_NONE");
    expect(patched()).toStrictEqual([]);
  });

  it("a declared-off entry not known yet (preview) defers the guard to the up instead of failing it", async () => {
    const { u4 } = account();
    const host = await fixture.startHost();
    const checked = await policy.check(host, "api-access", {
      ...declaration,
      __declaredOff: ["u1@example.com", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"],
    });
    expect(checked.failures).toStrictEqual([]);
    expect(host.output()).toContain(
      `would disable API access of u4@example.com (${u4!.id}): not allowed by the policy (unless a UserApiAccess whose user is not known until the update turns that user's API access off)`,
    );
    expect(patched()).toStrictEqual([]);
  });
});
