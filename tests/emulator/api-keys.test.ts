import { startEmulator, type EmulatedUser } from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, control, UUID_V4 } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let bot: EmulatedUser;
let viewer: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  emulator.setBehaviour({ maskApiKeys: true });
  [bot, viewer] = emulator.seedUsers([
    { email: "bot@example.com", name: "CI Bot", acls: ["manage_users"] },
    { email: "viewer@example.com", name: "Viewer", acls: ["subscriptions_view"] },
  ]) as [EmulatedUser, EmulatedUser];
});

interface KeyJson {
  id: string;
  api_key: string;
  name: string;
  expire: boolean;
  date_expire: string;
}
const keysPath = (user: EmulatedUser) => `/users/${user.id}/apikeys`;
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const INVALID_TOKEN = '{"error":"Invalid API token.","status":401}';

describe("GET /users/{id}/apikeys", () => {
  it("lists the user's keys masked: asterisks, then the last 5 characters", async () => {
    const answer = await api(emulator, "GET", keysPath(bot));
    expect(answer.status).toBe(200);
    expect(answer.json).toStrictEqual({
      api_keys: [
        {
          id: expect.stringMatching(UUID_V4) as unknown,
          api_key: `${"*".repeat(31)}${bot.api_key.slice(-5)}`,
          name: "default",
          expire: false,
          date_expire: "",
        },
      ],
      meta: { total: 1 },
    });
    expect(answer.text).not.toContain(bot.api_key);
  });

  it("shows keys in clear text when masking is turned off", async () => {
    emulator.setBehaviour({ maskApiKeys: false });
    const answer = await api(emulator, "GET", keysPath(bot));
    expect((answer.json as { api_keys: KeyJson[] }).api_keys[0]?.api_key).toBe(bot.api_key);
  });

  it("answers 403 without manage_users and 404 Invalid user. for unknown users", async () => {
    expect((await api(emulator, "GET", keysPath(bot), { key: viewer.api_key })).status).toBe(403);
    const unknown = await api(emulator, "GET", "/users/564a1a88947b4/apikeys");
    expect(unknown.text).toBe('{"error":"Invalid user.","status":404}');
  });
});

describe("POST /users/{id}/apikeys", () => {
  it("answers 202 with the new key in clear text this once; it authenticates as the user", async () => {
    const answer = await api(emulator, "POST", keysPath(bot), { body: { name: "laptop" } });
    expect(answer.status).toBe(202);
    const created = (answer.json as { api_key: KeyJson }).api_key;
    expect(created).toStrictEqual({
      id: expect.stringMatching(UUID_V4) as unknown,
      api_key: expect.stringMatching(/^[A-Z0-9]{36}$/) as unknown,
      name: "laptop",
      expire: false,
      date_expire: "",
    });
    expect((await api(emulator, "GET", "/users", { key: created.api_key })).status).toBe(200);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
    const listed = await api(emulator, "GET", keysPath(bot));
    expect(listed.json).toMatchObject({ meta: { total: 2 } });
    expect(listed.text).not.toContain(created.api_key);
    expect(emulator.getUser(bot.id)?.api_key).toBe(bot.api_key);
  });

  it("takes an expiry date in the future", async () => {
    const dateExpire = daysFromNow(10);
    const answer = await api(emulator, "POST", keysPath(bot), {
      body: { name: "ci", expire: true, date_expire: dateExpire },
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ api_key: { expire: true, date_expire: dateExpire } });
  });

  it.each<[unknown, RegExp]>([
    [{}, /name is required/],
    [{ name: "" }, /name must be a non-empty string/],
    [{ name: "x", expire: "yes" }, /expire must be a boolean/],
    [{ name: "x", expire: true }, /date_expire is required when expire is true/],
    [{ name: "x", expire: false, date_expire: "2099-01-01T00:00:00Z" }, /date_expire needs expire: true/],
    [{ name: "x", date_expire: "tomorrow" }, /date_expire "tomorrow" is not an ISO 8601/],
    [{ name: "x", date_expire: "2001-01-01T00:00:00Z" }, /must lie in the future/],
  ])("answers 400 with a reason to %j", async (body, reason) => {
    const answer = await api(emulator, "POST", keysPath(bot), { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toStrictEqual({ error: expect.stringMatching(reason) as unknown, status: 400 });
    expect(emulator.listApiKeys(bot.id)).toHaveLength(1);
  }); // prettier-ignore

  it("logs the POST body with any api_key in it redacted", async () => {
    await api(emulator, "POST", keysPath(bot), { body: { name: "x", api_key: "SMUGGLED" } });
    expect(emulator.requestLog().at(-1)).toMatchObject({
      route: "POST /users/:id/apikeys",
      status: 202,
      body: { name: "x", api_key: "<redacted>" },
    });
  });
});

describe("DELETE /users/{id}/apikeys/{apikey-id}", () => {
  it("answers 204, after which the key no longer authenticates; an unknown id is 404", async () => {
    const extra = emulator.addApiKey(bot.id, { name: "old" });
    const path = `${keysPath(bot)}/${extra.id}`;
    expect((await api(emulator, "GET", "/users", { key: extra.api_key })).status).toBe(200);
    const answer = await api(emulator, "DELETE", path);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect((await api(emulator, "GET", "/users", { key: extra.api_key })).text).toBe(INVALID_TOKEN);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
    const again = await api(emulator, "DELETE", path);
    expect(again.status).toBe(404);
    expect(again.json).toStrictEqual({ error: "API key not found.", status: 404 });
    expect(emulator.counters().byRoute["DELETE /users/:id/apikeys/:apikey_id"]).toBe(2);
  });

  it("deleting the first key makes the next one the user's api_key", async () => {
    const extra = emulator.addApiKey(bot.id, { name: "second" });
    const first = emulator.listApiKeys(bot.id)[0];
    await api(emulator, "DELETE", `${keysPath(bot)}/${first?.id ?? ""}`);
    expect(emulator.getUser(bot.id)?.api_key).toBe(extra.api_key);
  });
});

describe("which keys authenticate", () => {
  it("refuses an expired key with 401 Invalid API token. and accepts one not yet expired", async () => {
    const expired = emulator.addApiKey(bot.id, { name: "old", date_expire: daysFromNow(-1) });
    const current = emulator.addApiKey(bot.id, { name: "new", date_expire: daysFromNow(1) });
    expect(expired.expire).toBe(true);
    expect((await api(emulator, "GET", "/users", { key: expired.api_key })).text).toBe(INVALID_TOKEN);
    expect((await api(emulator, "GET", "/users", { key: current.api_key })).status).toBe(200);
  }); // prettier-ignore

  it("refuses every key of a user whose API access is disabled, or who is suspended or closed", async () => {
    const extra = emulator.addApiKey(bot.id);
    for (const change of [{ api_enabled: false }, { status: "suspended" }, { status: "closed" }] as const) {
      emulator.setUser(bot.id, { api_enabled: true, status: "active", ...change });
      for (const key of [bot.api_key, extra.api_key]) {
        expect((await api(emulator, "GET", "/users", { key })).text).toBe(INVALID_TOKEN);
      }
    }
    emulator.setUser(bot.id, { api_enabled: true, status: "pending" });
    expect((await api(emulator, "GET", "/users", { key: extra.api_key })).status).toBe(200);
  }); // prettier-ignore
});

describe("control plane: keys", () => {
  it("lists keys in clear text, adds one with a given value and expiry, removes it", async () => {
    const added = await control(emulator, "POST", keysPath(bot), {
      api_key: "GIVEN-EXTRA-KEY",
      name: "given",
      date_expire: "2030-01-01T00:00:00Z",
    });
    expect(added.status).toBe(201);
    const key = (added.json as { api_key: KeyJson }).api_key;
    expect(key).toMatchObject({ api_key: "GIVEN-EXTRA-KEY", expire: true, name: "given" });
    const listed = await control(emulator, "GET", keysPath(bot));
    expect((listed.json as { api_keys: KeyJson[] }).api_keys.map((k) => k.api_key)).toStrictEqual([
      bot.api_key,
      "GIVEN-EXTRA-KEY",
    ]);
    expect(emulator.getUser(bot.id)?.api_keys).toHaveLength(2);
    expect((await control(emulator, "DELETE", `${keysPath(bot)}/${key.id}`)).status).toBe(204);
    expect((await control(emulator, "DELETE", `${keysPath(bot)}/${key.id}`)).status).toBe(404);
  });

  it("refuses a key another user holds, the owner's key, and unknown users", () => {
    expect(() => emulator.addApiKey(bot.id, { api_key: viewer.api_key })).toThrow(/already has/);
    expect(() => emulator.addApiKey(bot.id, { api_key: emulator.ownerKey })).toThrow(/owner/);
    expect(() => emulator.addApiKey(bot.id, { expire: true })).toThrow(/date_expire is required/);
    expect(() => emulator.listApiKeys("564a1a88947b4")).toThrow(/No user/);
    expect(emulator.removeApiKey(bot.id, "nope")).toBe(false);
  });

  it("keeps api_key as the first key: setting it through setUser changes that key", async () => {
    emulator.setUser(bot.id, { api_key: "REPLACED-KEY" });
    expect(emulator.listApiKeys(bot.id)[0]?.api_key).toBe("REPLACED-KEY");
    expect((await api(emulator, "GET", "/users", { key: "REPLACED-KEY" })).status).toBe(200);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(401);
  });
});
