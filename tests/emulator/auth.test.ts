import { startEmulator, type EmulatedUser, type RunningEmulator } from "../../emulator";
import { api } from "./http";

let emulator: RunningEmulator;
let admin: EmulatedUser;
let viewer: EmulatedUser;
let target: EmulatedUser;

beforeAll(async () => {
  emulator = await startEmulator({ ownerKey: "OWNER-KEY", rateLimitPerSecond: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  [admin, viewer, target] = emulator.seedUsers([
    { email: "admin@example.com", name: "Admin", acls: ["manage_users", "billing"] },
    { email: "viewer@example.com", name: "Viewer", acls: ["subscriptions_view"] },
    { email: "target@example.com", name: "Target", api_enabled: true },
  ]) as [EmulatedUser, EmulatedUser, EmulatedUser];
});

const INVALID_TOKEN = '{"error":"Invalid API token.","status":401}';

describe("authentication", () => {
  it("lets the account owner's key manage users", async () => {
    expect(emulator.ownerKey).toBe("OWNER-KEY");
    expect((await api(emulator, "GET", "/users", { key: "OWNER-KEY" })).status).toBe(200);
  });

  it.each([
    ["no key", null],
    ["an unknown key", "NOT-A-KEY"],
    ["an empty key", ""],
  ])("answers 401 Invalid API token. to %s", async (_case, key) => {
    const answer = await api(emulator, "GET", "/users", { key });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe(INVALID_TOKEN);
  });

  it("answers 401 to a key sent without the Bearer scheme", async () => {
    const response = await fetch(`${emulator.baseUrl}/users`, {
      headers: { authorization: emulator.ownerKey },
    });
    expect(response.status).toBe(401);
  });

  it("authenticates before routing: an unknown route without a key is 401", async () => {
    expect((await api(emulator, "GET", "/nowhere", { key: null })).status).toBe(401);
  });

  it("lets a user with manage_users manage users with their own key", async () => {
    const answer = await api(emulator, "PATCH", `/users/${target.id}`, {
      key: admin.api_key,
      body: { api_enabled: false },
    });
    expect(answer.status).toBe(204);
    expect(emulator.getUser(target.id)?.api_enabled).toBe(false);
  });

  it("answers 403 to a user without manage_users, on every users route", async () => {
    for (const [method, path] of [
      ["GET", "/users"],
      ["GET", `/users/${target.id}`],
      ["PATCH", `/users/${target.id}`],
      ["DELETE", `/users/${target.id}`],
      ["POST", "/users"],
    ] as const) {
      const body = method === "PATCH" || method === "POST" ? {} : undefined;
      const answer = await api(emulator, method, path, { key: viewer.api_key, body });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe('{"error":"Unauthorized to manage users.","status":403}');
    }
    expect(emulator.getUser(target.id)).toStrictEqual(target);
  });

  it("rejects the key of a user whose API access is disabled with 401", async () => {
    emulator.setUser(admin.id, { api_enabled: false });
    const answer = await api(emulator, "GET", "/users", { key: admin.api_key });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe(INVALID_TOKEN);
  });

  it("stops a user's key the moment the API disables it, and honours it again when re-enabled", async () => {
    expect((await api(emulator, "GET", "/users", { key: admin.api_key })).status).toBe(200);
    await api(emulator, "PATCH", `/users/${admin.id}`, { body: { api_enabled: false } });
    expect((await api(emulator, "GET", "/users", { key: admin.api_key })).status).toBe(401);
    await api(emulator, "PATCH", `/users/${admin.id}`, { body: { api_enabled: true } });
    expect((await api(emulator, "GET", "/users", { key: admin.api_key })).status).toBe(200);
  });

  it("rejects the key of a deleted user with 401", async () => {
    await api(emulator, "DELETE", `/users/${admin.id}`);
    expect((await api(emulator, "GET", "/users", { key: admin.api_key })).status).toBe(401);
  });

  it("checks the caller's ACLs as they are now (drift included)", async () => {
    emulator.setUser(admin.id, { acls: ["billing"] });
    expect((await api(emulator, "GET", "/users", { key: admin.api_key })).status).toBe(403);
  });
});
