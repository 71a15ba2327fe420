/**
 * The emulator's clock (one offset moving the Date header, key expiry and last_activity
 * together) and the per-user key knobs: the create answer, name length, keys per user.
 */
import { startEmulator, type EmulatedUser, type RunningEmulator } from "../../emulator";
import { api, control } from "./http";

let emulator: RunningEmulator;
let bot: EmulatedUser;

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
const INVALID_TOKEN = '{"error":"Invalid API token.","status":401}';
const keysPath = (user: EmulatedUser) => `/users/${user.id}/apikeys`;
const isoIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
const dateHeaderOf = (headers: Headers): number => Date.parse(headers.get("date") ?? "");

beforeAll(async () => {
  emulator = await startEmulator({ rateLimitPerSecond: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  [bot] = emulator.seedUsers([
    { email: "bot@example.com", name: "CI Bot", acls: ["manage_users"] },
  ]) as [EmulatedUser];
});
// Settings survive reset(): put them back for the next test.
afterEach(() => {
  emulator.setClockOffset(0);
  emulator.setRateLimit(0);
  emulator.setBehaviour({ createKeyAnswer: "key", apiKeyNameMaxLength: 64, apiKeysPerUser: 10 });
});

describe("the clock offset", () => {
  it("is 0 by default and read and set through PUT /_emulator/settings", async () => {
    expect((await control(emulator, "GET", "/settings")).json).toMatchObject({
      clockOffsetSeconds: 0,
    });
    const changed = await control(emulator, "PUT", "/settings", { clockOffsetSeconds: 80 * DAY_S });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ clockOffsetSeconds: 80 * DAY_S });
    expect(emulator.clockOffsetSeconds()).toBe(80 * DAY_S);
    expect(Math.abs(emulator.now() - (Date.now() + 80 * DAY_MS))).toBeLessThan(1000);
  });

  it("moves the Date header of API and control answers alike", async () => {
    const before = await api(emulator, "GET", "/users");
    expect(Math.abs(dateHeaderOf(before.headers) - Date.now())).toBeLessThan(2000);
    emulator.setClockOffset(80 * DAY_S);
    const after = await api(emulator, "GET", "/users");
    expect(Math.abs(dateHeaderOf(after.headers) - (Date.now() + 80 * DAY_MS))).toBeLessThan(2000);
    expect(after.headers.get("date")).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const controlAnswer = await control(emulator, "GET", "/settings");
    expect(Math.abs(dateHeaderOf(controlAnswer.headers) - emulator.now())).toBeLessThan(2000);
  });

  it("moves back as well as forward", async () => {
    emulator.setClockOffset(-365 * DAY_S);
    const answer = await api(emulator, "GET", "/users");
    expect(Math.abs(dateHeaderOf(answer.headers) - (Date.now() - 365 * DAY_MS))).toBeLessThan(2000);
  });

  it("dates 429s and fault answers too; a fault's own Date header wins", async () => {
    emulator.setClockOffset(10 * DAY_S);
    emulator.addFault({ kind: "status", status: 503, path: "/users" });
    const faulted = await api(emulator, "GET", "/users");
    expect(faulted.status).toBe(503);
    expect(Math.abs(dateHeaderOf(faulted.headers) - emulator.now())).toBeLessThan(2000);
    emulator.addFault({ kind: "status", status: 200, body: { users: [] }, headers: { date: "garbage" } }); // prettier-ignore
    expect((await api(emulator, "GET", "/users")).headers.get("date")).toBe("garbage");
    emulator.setRateLimit(1);
    await api(emulator, "GET", "/users");
    const limited = await api(emulator, "GET", "/users");
    expect(limited.status).toBe(429);
    expect(Math.abs(dateHeaderOf(limited.headers) - emulator.now())).toBeLessThan(2000);
  });

  it("judges key expiry by the moved clock: 80 days on, a 10-day key is refused, and back again", async () => {
    const key = emulator.addApiKey(bot.id, { name: "ci", date_expire: isoIn(10) });
    expect((await api(emulator, "GET", "/users", { key: key.api_key })).status).toBe(200);
    emulator.setClockOffset(80 * DAY_S);
    expect((await api(emulator, "GET", "/users", { key: key.api_key })).text).toBe(INVALID_TOKEN);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
    const listed = await api(emulator, "GET", keysPath(bot));
    expect(listed.json).toMatchObject({ api_keys: [{ name: "default" }, { name: "ci", date_expire: key.date_expire }] }); // prettier-ignore
    emulator.setClockOffset(0);
    expect((await api(emulator, "GET", "/users", { key: key.api_key })).status).toBe(200);
  }); // prettier-ignore

  it("judges a new key's date_expire by the moved clock", async () => {
    emulator.setClockOffset(80 * DAY_S);
    const soon = await api(emulator, "POST", keysPath(bot), {
      body: { name: "ci", expire: true, date_expire: isoIn(30) },
    });
    expect(soon.json).toStrictEqual({ error: "date_expire must lie in the future.", status: 400 });
    const later = await api(emulator, "POST", keysPath(bot), {
      body: { name: "ci", expire: true, date_expire: isoIn(90) },
    });
    expect(later.status).toBe(202);
  });

  it("records a sub-user's accepted request as their last_activity, on the moved clock", async () => {
    expect(emulator.getUser(bot.id)?.last_activity).toBe("");
    emulator.setClockOffset(80 * DAY_S);
    await api(emulator, "GET", "/users", { key: emulator.ownerKey });
    expect(emulator.getUser(bot.id)?.last_activity).toBe("");
    await api(emulator, "GET", "/users", { key: bot.api_key });
    const recorded = Date.parse(emulator.getUser(bot.id)?.last_activity ?? "");
    expect(Math.abs(recorded - emulator.now())).toBeLessThan(2000);
    const shown = await api(emulator, "GET", `/users/${bot.id}`);
    expect(shown.json).toMatchObject({ user: { last_activity: emulator.getUser(bot.id)?.last_activity } }); // prettier-ignore
  }); // prettier-ignore

  it("leaves last_activity alone for a refused key", async () => {
    const key = emulator.addApiKey(bot.id, { name: "old", date_expire: isoIn(1) });
    emulator.setClockOffset(2 * DAY_S);
    await api(emulator, "GET", "/users", { key: key.api_key });
    expect(emulator.getUser(bot.id)?.last_activity).toBe("");
  });

  it("dates the request log and new users' records by the moved clock", async () => {
    emulator.setClockOffset(-30 * DAY_S);
    await api(emulator, "GET", "/users");
    expect(Math.abs((emulator.requestLog()[0]?.at ?? 0) - emulator.now())).toBeLessThan(2000);
    const [seeded] = emulator.seedUsers([{ email: "new@example.com", name: "New" }]);
    const added = Date.parse(seeded?.ip_whitelist[0]?.date_added ?? "");
    // Seeded dates count back from the start of the emulator's UTC day.
    expect(emulator.now() - added).toBeGreaterThanOrEqual(0);
    expect(emulator.now() - added).toBeLessThan(DAY_MS);
  });

  it("forgets the rate-limit window when it moves, so a jump back locks nobody out", async () => {
    emulator.setRateLimit(2);
    await api(emulator, "GET", "/users");
    await api(emulator, "GET", "/users");
    emulator.setClockOffset(-3600);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
    expect((await api(emulator, "GET", "/users")).status).toBe(429);
  });

  it.each([1.5, "60", null, 1e12])("refuses clockOffsetSeconds %j and changes nothing", async (value) => {
    const answer = await control(emulator, "PUT", "/settings", { latencyMs: 7, clockOffsetSeconds: value });
    expect(answer.status).toBe(400);
    expect(answer.json).toStrictEqual({ error: expect.stringMatching(/^clockOffsetSeconds must be a whole number of seconds/) as unknown, status: 400 }); // prettier-ignore
    const settings = await control(emulator, "GET", "/settings");
    expect(settings.json).toMatchObject({ latencyMs: 0, clockOffsetSeconds: 0 });
    expect(() => emulator.setClockOffset(value as number)).toThrow(/clockOffsetSeconds/);
  }); // prettier-ignore

  it("starts where the options say", async () => {
    const moved = await startEmulator({ clockOffsetSeconds: -DAY_S, createKeyAnswer: "empty" });
    try {
      expect(moved.clockOffsetSeconds()).toBe(-DAY_S);
      expect(moved.behaviour().createKeyAnswer).toBe("empty");
      const answer = await api(moved, "GET", "/users");
      expect(Math.abs(dateHeaderOf(answer.headers) - (Date.now() - DAY_MS))).toBeLessThan(2000);
    } finally {
      await moved.close();
    }
  });
});

describe("createKeyAnswer", () => {
  it('"key" (the default): 202 with the key in clear text, as the docs say', async () => {
    const answer = await api(emulator, "POST", keysPath(bot), { body: { name: "ci" } });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ api_key: { name: "ci", api_key: emulator.listApiKeys(bot.id)[1]?.api_key } }); // prettier-ignore
  });

  it('"empty": 202 with no body, as the 2026 spec declares; the key is made all the same', async () => {
    await control(emulator, "PUT", "/settings", { createKeyAnswer: "empty" });
    const answer = await api(emulator, "POST", keysPath(bot), { body: { name: "ci" } });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe("");
    expect(answer.headers.get("content-type")).toBeNull();
    expect(emulator.listApiKeys(bot.id).map((key) => key.name)).toStrictEqual(["default", "ci"]);
    const created = emulator.listApiKeys(bot.id)[1]?.api_key ?? "";
    expect((await api(emulator, "GET", "/users", { key: created })).status).toBe(200);
  });

  it("refuses other values through the control plane and in process", async () => {
    const answer = await control(emulator, "PUT", "/settings", { createKeyAnswer: "none" });
    expect(answer.json).toStrictEqual({ error: 'createKeyAnswer must be one of "key", "empty".', status: 400 }); // prettier-ignore
    expect(() => emulator.setBehaviour({ createKeyAnswer: "body" as "key" })).toThrow(/createKeyAnswer/); // prettier-ignore
  });
});

describe("key name length", () => {
  it("takes 64 characters by default and refuses 65 with a Vultr-shaped 400", async () => {
    const ok = await api(emulator, "POST", keysPath(bot), { body: { name: "n".repeat(64) } });
    expect(ok.status).toBe(202);
    const long = await api(emulator, "POST", keysPath(bot), { body: { name: "n".repeat(65) } });
    expect(long.status).toBe(400);
    expect(long.text).toBe('{"error":"name must be at most 64 characters.","status":400}');
    expect(emulator.listApiKeys(bot.id)).toHaveLength(2);
  });

  it("counts characters, not bytes", async () => {
    const answer = await api(emulator, "POST", keysPath(bot), { body: { name: "é".repeat(64) } });
    expect(answer.status).toBe(202);
  });

  it("follows the knob; 0 means no limit", async () => {
    emulator.setBehaviour({ apiKeyNameMaxLength: 3 });
    const refused = await api(emulator, "POST", keysPath(bot), { body: { name: "four" } });
    expect(refused.json).toStrictEqual({
      error: "name must be at most 3 characters.",
      status: 400,
    });
    emulator.setBehaviour({ apiKeyNameMaxLength: 0 });
    const any = await api(emulator, "POST", keysPath(bot), { body: { name: "n".repeat(500) } });
    expect(any.status).toBe(202);
    await expect(control(emulator, "PUT", "/settings", { apiKeyNameMaxLength: -1 })).resolves.toMatchObject({ status: 400 }); // prettier-ignore
  });
});

describe("keys per user", () => {
  const create = (name: string) => api(emulator, "POST", keysPath(bot), { body: { name } });

  it("allows 10 keys by default; the 11th is a 400 and makes nothing", async () => {
    for (let i = 2; i <= 10; i++) expect((await create(`key-${i}`)).status).toBe(202);
    const refused = await create("key-11");
    expect(refused.status).toBe(400);
    expect(refused.json).toStrictEqual({
      error: "User already has the maximum of 10 API keys; delete one before creating another.",
      status: 400,
    });
    expect(emulator.listApiKeys(bot.id)).toHaveLength(10);
    const last = emulator.listApiKeys(bot.id)[9]?.id ?? "";
    expect((await api(emulator, "DELETE", `${keysPath(bot)}/${last}`)).status).toBe(204);
    expect((await create("key-11")).status).toBe(202);
  });

  it("limits the API only: the control plane gives keys beyond it", async () => {
    emulator.setBehaviour({ apiKeysPerUser: 1 });
    expect((await create("second")).status).toBe(400);
    emulator.addApiKey(bot.id, { name: "given" });
    expect(emulator.listApiKeys(bot.id)).toHaveLength(2);
  });

  it("follows the knob; 0 means no limit", async () => {
    emulator.setBehaviour({ apiKeysPerUser: 0 });
    for (let i = 2; i <= 12; i++) expect((await create(`key-${i}`)).status).toBe(202);
    expect(emulator.listApiKeys(bot.id)).toHaveLength(12);
  });
});
