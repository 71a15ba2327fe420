/**
 * UserApiKey's faults in the real host: a failed POST stores nothing, a POST whose answer is
 * lost is never sent again (the keys are listed instead), Vultr's empty create answer leaves no
 * orphan, a failed DELETE after the new key exists keeps truthful state that the next up
 * finishes, and the key the deployment runs with is never deleted.
 */
import type { EmulatedUser } from "../../../emulator";
import { ProviderHostError } from "../../support/provider-host";
import { hostEnv, type ProviderFixture } from "../../support/lab";
import { DAY_S, KeyDriver, keyRequests, keyUrn, useKeySuite } from "./key-host";

describe("UserApiKey faults in the real host", () => {
  const suite = useKeySuite({ email: "ci@example.com", name: "CI Bot", acls: ["manage_users"] });
  const { declaration, created } = suite;
  let fixture: ProviderFixture;
  let keys: KeyDriver;
  let ci: EmulatedUser;
  beforeEach(() => {
    ({ fixture, keys, ci } = suite);
  });
  const named = (name: string) =>
    fixture.emulator.listApiKeys(ci.id).filter((key) => key.name === name);

  async function failure(call: Promise<unknown>): Promise<ProviderHostError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderHostError);
    return error as ProviderHostError;
  }

  it("a refused POST stores nothing and makes nothing", async () => {
    const host = await fixture.startHost();
    const checked = await keys.check(host, "ci-key", declaration());
    fixture.emulator.clearRequestLog();
    fixture.emulator.addFault({ method: "POST", path: "/users*", kind: "status", status: 400 });
    const error = await failure(host.create(keyUrn("ci-key"), checked.inputs));
    expect(error.initFailure).toBeUndefined();
    expect(named("ci")).toHaveLength(0);
    expect(keyRequests(fixture).post).toBe(1);
  });

  it("a POST that times out is not sent again: the keys are listed instead", async () => {
    const host = await fixture.startHost({ env: hostEnv({ VULTR_TIMEOUT_MS: "1000" }) });
    const checked = await keys.check(host, "ci-key", declaration());
    fixture.emulator.clearRequestLog();
    fixture.emulator.addFault({ method: "POST", path: "/users*", kind: "hang" });
    const error = await failure(host.create(keyUrn("ci-key"), checked.inputs));
    expect(error.message).toContain("no key named ci was made; run `pulumi up` again");
    expect(keyRequests(fixture)).toStrictEqual({ list: 2, post: 1, del: 0 });
    expect(named("ci")).toHaveLength(0);
  });

  it("Vultr's create answer without the key: the key just made is deleted, and create fails saying so", async () => {
    fixture.emulator.setBehaviour({ createKeyAnswer: "empty" });
    const host = await fixture.startHost();
    const checked = await keys.check(host, "ci-key", declaration());
    fixture.emulator.clearRequestLog();
    const error = await failure(host.create(keyUrn("ci-key"), checked.inputs));
    expect(error.message).toMatch(
      /answered without its value.*was deleted so that no key nobody holds is left/,
    );
    expect(error.initFailure).toBeUndefined();
    expect(keyRequests(fixture)).toStrictEqual({ list: 2, post: 1, del: 1 });
    expect(named("ci")).toHaveLength(0);
  });

  it("a failed DELETE after the new key exists keeps it in state, the old one recorded; the next up finishes", async () => {
    const first = await created();
    fixture.emulator.setClockOffset(85 * DAY_S);
    const decl = declaration({ keepPrevious: false, rotateBeforeDays: 10 });
    const host = await fixture.startHost();
    const { inputs } = await keys.preview(host, "ci-key", first, decl);
    fixture.emulator.addFault({ method: "DELETE", path: "/users*", kind: "status", status: 400 });
    const error = await failure(host.update(first.id, keyUrn("ci-key"), first.outs, inputs));
    const kept = error.initFailure?.properties ?? {};
    expect(kept.keyId).not.toBe(first.outs.keyId);
    expect(kept.apiKey).toBe(named("ci").find((key) => key.id === kept.keyId)?.api_key);
    expect(kept.previousKeyId).toBe(first.outs.keyId);
    expect(error.message).toContain("the next `pulumi up` retires them");
    expect(named("ci")).toHaveLength(2);
    await fixture.closeHosts();

    fixture.emulator.clearFaults();
    fixture.emulator.clearRequestLog();
    const state = { id: first.id, outs: kept, inputs };
    const next = await fixture.startHost();
    const { state: finished, diff } = await keys.up(next, "ci-key", state, decl);
    expect(diff.changes).toBe("DIFF_SOME");
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 0, del: 1 });
    expect(finished.outs.previousKeyId).toBe("");
    expect(named("ci").map((key) => key.id)).toStrictEqual([kept.keyId]);
  });

  it("never deletes the key the deployment runs with", async () => {
    const first = await created();
    // A deployment that runs with the key this resource made (a manage_users holder's).
    const config = {
      "vultr:apiKey": String(first.outs.apiKey),
      "vultr:apiEndpoint": fixture.emulator.baseUrl,
    };
    fixture.emulator.setClockOffset(85 * DAY_S);
    const decl = declaration({ keepPrevious: false, rotateBeforeDays: 10 });
    const rotating = await fixture.startHost({ config });
    const { state } = await keys.up(rotating, "ci-key", first, decl);
    expect(state.outs.previousKeyId).toBe(first.outs.keyId);
    expect(rotating.output()).toContain("this deployment runs with it");
    await fixture.closeHosts();
    const destroy = await fixture.startHost({ config });
    const error = await failure(destroy.delete(state.id, keyUrn("ci-key"), state.outs));
    expect(error.message).toContain("run this with the account owner's key");
    expect(named("ci")).toHaveLength(2);
  });
});
