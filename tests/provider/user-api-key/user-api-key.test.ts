/**
 * UserApiKey in the real dynamic-provider host against the emulator: create, rotation judged by
 * the emulator's clock, keepPrevious, keys deleted outside Pulumi, refresh, delete, and the
 * request budget (one key-list read per user per pass, one POST per key made, one DELETE per
 * key retired).
 */
import type { EmulatedUser } from "../../../emulator";
import { UNKNOWN } from "../../support/provider-host";
import type { ProviderFixture } from "../../support/lab";
import { DAY_S, KeyDriver, keyRequests, keyUrn, useKeySuite } from "./key-host";

describe("UserApiKey in the real host", () => {
  const suite = useKeySuite({ email: "ci@example.com", name: "CI Bot" });
  const { declaration, created } = suite;
  let fixture: ProviderFixture;
  let keys: KeyDriver;
  let ci: EmulatedUser;
  beforeEach(() => {
    ({ fixture, keys, ci } = suite);
  });
  const liveIds = () => fixture.emulator.listApiKeys(ci.id).map((key) => key.id);
  const clearOf = (id: unknown) =>
    fixture.emulator.listApiKeys(ci.id).find((key) => key.id === id)?.api_key;

  it("creates a key that expires lifetimeDays after Vultr's now: one list, one POST", async () => {
    const host = await fixture.startHost();
    fixture.emulator.clearRequestLog();
    const state = await keys.create(host, "ci-key", declaration());
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 1, del: 0 });
    expect(state.id).toBe(`${ci.id}/ci`);
    const made = fixture.emulator.listApiKeys(ci.id).find((key) => key.id === state.outs.keyId);
    expect(made?.name).toBe("ci");
    expect(state.outs.apiKey).toBe(made?.api_key);
    expect(state.outs.keyHint).toBe(`…${made?.api_key.slice(-5)}`);
    const expected = fixture.emulator.now() + 90 * DAY_S * 1000;
    expect(Math.abs(Date.parse(String(state.outs.dateExpire)) - expected)).toBeLessThan(60_000);
    expect(state.outs).toMatchObject({
      userId: ci.id,
      email: "ci@example.com",
      name: "ci",
      previousKeyId: "",
      previousDateExpire: "",
      lifetimeDays: 90,
      rotateBeforeDays: 30,
      keepPrevious: true,
    });
    expect(host.output()).toContain(`created: made key ci of ci@example.com (${ci.id}) (…`);
  });

  it("plans nothing before rotation is due; the emulator's clock 80 days on: rotation due", async () => {
    const state = await created();
    const quiet = await fixture.startHost();
    expect((await keys.preview(quiet, "ci-key", state, declaration())).diff.changes).toBe(
      "DIFF_NONE",
    );
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 0, del: 0 });
    fixture.emulator.setClockOffset(80 * DAY_S);
    const preview = await fixture.startHost();
    expect((await keys.preview(preview, "ci-key", state, declaration())).diff.changes).toBe(
      "DIFF_SOME",
    );
    expect(preview.output()).toMatch(
      /rotation due: key ci of ci@example\.com \(\S+\) \(…\w{5}\) expires \d{4}-\d\d-\d\d \(in 10 days\); up will make a new key/,
    );
  });

  it("rotates: the new key first, the replaced key stays valid as previous; the next rotation retires it", async () => {
    const first = await created();
    fixture.emulator.setClockOffset(80 * DAY_S);
    const up = await fixture.startHost();
    const { state: second } = await keys.up(up, "ci-key", first, declaration());
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 1, del: 0 });
    expect(second.outs.keyId).not.toBe(first.outs.keyId);
    expect(second.outs.previousKeyId).toBe(first.outs.keyId);
    expect(second.outs.previousDateExpire).toBe(first.outs.dateExpire);
    expect(second.outs.apiKey).toBe(clearOf(second.outs.keyId));
    expect(liveIds()).toEqual(expect.arrayContaining([first.outs.keyId, second.outs.keyId]));
    const log = fixture.emulator.requestLog().map((e) => e.route);
    expect(log.indexOf("POST /users/:id/apikeys")).toBeGreaterThan(
      log.indexOf("GET /users/:id/apikeys"),
    );
    await fixture.closeHosts();

    fixture.emulator.setClockOffset(170 * DAY_S);
    fixture.emulator.clearRequestLog();
    const next = await fixture.startHost();
    const { state: third } = await keys.up(next, "ci-key", second, declaration());
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 1, del: 1 });
    // The DELETE came after the POST: a key is deleted only once its successor exists.
    const routes = fixture.emulator.requestLog().map((e) => e.route);
    expect(routes.indexOf("DELETE /users/:id/apikeys/:apikey_id")).toBeGreaterThan(
      routes.indexOf("POST /users/:id/apikeys"),
    );
    expect(third.outs.previousKeyId).toBe(second.outs.keyId);
    expect(liveIds()).not.toContain(first.outs.keyId);
    expect(liveIds()).toContain(second.outs.keyId);
    expect(next.output()).toMatch(
      /retired: deleted key ci of .* \(…\w{5}\), which expired \d{4}-\d\d-\d\d/,
    );
  });

  it("without keepPrevious, a rotation deletes the replaced key after making the new one", async () => {
    const first = await created({ keepPrevious: false, rotateBeforeDays: 10 });
    fixture.emulator.setClockOffset(85 * DAY_S);
    const up = await fixture.startHost();
    const decl = declaration({ keepPrevious: false, rotateBeforeDays: 10 });
    const { state } = await keys.up(up, "ci-key", first, decl);
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 1, del: 1 });
    expect(state.outs.previousKeyId).toBe("");
    expect(liveIds()).not.toContain(first.outs.keyId);
  });

  it("makes a new key when the current one was deleted outside Pulumi, and says so", async () => {
    const first = await created();
    fixture.emulator.removeApiKey(ci.id, String(first.outs.keyId));
    const up = await fixture.startHost();
    const { state, diff } = await keys.up(up, "ci-key", first, declaration());
    expect(diff.changes).toBe("DIFF_SOME");
    expect(up.output()).toContain("was deleted outside Pulumi; up will make a new key");
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 1, del: 0 });
    expect(liveIds()).toContain(state.outs.keyId);
  });

  it("replaces on a new name, records a lifetime change without a new key", async () => {
    const first = await created();
    const host = await fixture.startHost();
    const renamed = await keys.preview(host, "ci-key", first, declaration({ name: "deploy" }));
    expect(renamed.diff.replaces).toStrictEqual(["name"]);
    // The user's id still to be computed in preview (its UserApiAccess changes too): no replace.
    const pending = await keys.preview(host, "ci-key", first, declaration({ userId: UNKNOWN }));
    expect(pending.diff).toMatchObject({ changes: "DIFF_NONE", replaces: [] });
    const { state, diff } = await keys.up(host, "ci-key", first, declaration({ lifetimeDays: 30 }));
    expect(diff.changes).toBe("DIFF_SOME");
    expect(state.outs.keyId).toBe(first.outs.keyId);
    expect(state.outs.lifetimeDays).toBe(30);
    expect(keyRequests(fixture).post).toBe(0);
    expect(host.output()).toContain("changes from 90 to 30: recorded now, it applies from");
  });

  it("shares one key-list read per user across keys and passes", async () => {
    const host = await fixture.startHost();
    fixture.emulator.clearRequestLog();
    await keys.create(host, "ci-key", declaration());
    await keys.create(host, "ci-key-2", declaration({ name: "ci-2" }));
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 2, del: 0 });
  });

  it("refuses a second declaration of one user and name, and bad inputs, naming the property", async () => {
    const host = await fixture.startHost();
    expect((await keys.check(host, "a", declaration())).failures).toStrictEqual([]);
    const twice = await keys.check(host, "b", declaration());
    expect(twice.failures[0]?.property).toBe("name");
    expect(twice.failures[0]?.reason).toContain("already declares key ci of ci@example.com");
    const bad = await keys.check(host, "c", declaration({ lifetimeDays: 400 }));
    expect(bad.failures.map((f) => f.property)).toStrictEqual(["lifetimeDays"]);
  });

  it("warns that a key will not work while the user's API access is off", async () => {
    fixture.emulator.setUser(ci.id, { api_enabled: false });
    const host = await fixture.startHost();
    await keys.check(host, "ci-key", declaration());
    expect(host.output()).toContain("key ci of ci@example.com");
    expect(host.output()).toContain("will not work while the user's API access is off");
  });

  it("refresh reads both keys' expiry; both gone: the resource is gone", async () => {
    const first = await created();
    fixture.emulator.setClockOffset(80 * DAY_S);
    const up = await fixture.startHost();
    const { state } = await keys.up(up, "ci-key", first, declaration());
    const refresh = await fixture.startHost();
    const read = await refresh.read(state.id, keyUrn("ci-key"), state.outs);
    expect(read.id).toBe(state.id);
    expect(read.outs.previousKeyId).toBe(first.outs.keyId);
    fixture.emulator.removeApiKey(ci.id, String(state.outs.keyId));
    fixture.emulator.removeApiKey(ci.id, String(first.outs.keyId));
    const later = await fixture.startHost();
    expect((await later.read(state.id, keyUrn("ci-key"), state.outs)).id).toBe("");
  });

  it("delete removes the keys it made, nothing else", async () => {
    const first = await created();
    fixture.emulator.setClockOffset(80 * DAY_S);
    const up = await fixture.startHost();
    const { state } = await keys.up(up, "ci-key", first, declaration());
    const before = liveIds();
    fixture.emulator.clearRequestLog();
    const destroy = await fixture.startHost();
    await destroy.delete(state.id, keyUrn("ci-key"), state.outs);
    expect(keyRequests(fixture)).toStrictEqual({ list: 1, post: 0, del: 2 });
    expect(liveIds()).toStrictEqual(
      before.filter((id) => id !== state.outs.keyId && id !== first.outs.keyId),
    );
    // The seeded "default" key is untouched.
    expect(liveIds()).toHaveLength(1);
  });
});
