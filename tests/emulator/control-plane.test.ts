import {
  startEmulator,
  type Counters,
  type EmulatedUser,
  type RequestLogEntry,
} from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, control, userOf, UUID_V4 } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));

beforeEach(() => emulator.reset());

const usersOf = (json: unknown) => (json as { users: EmulatedUser[] }).users;

const DEFAULT_KNOBS = {
  patchStatus: 204,
  maskApiKeys: true,
  allowlistPublicOnly: true,
  allowlistMaxEntries: 50,
  allowlistHostBits: "reject",
  allowlistAbsentRemoveStatus: 404,
  createKeyAnswer: "key",
  apiKeyNameMaxLength: 64,
  apiKeysPerUser: 10,
  clientAddress: null,
  clockOffsetSeconds: 0,
};

describe("control plane: users", () => {
  it("seeds generated users, with their API keys, and lists them", async () => {
    const seeded = await control(emulator, "POST", "/users", { count: 12, seed: 9 });
    expect(seeded.status).toBe(201);
    expect(usersOf(seeded.json)).toHaveLength(12);
    expect(usersOf(seeded.json)[0]?.api_key).toMatch(/^[A-Z0-9]{36}$/);
    const listed = await control(emulator, "GET", "/users");
    expect(usersOf(listed.json)).toStrictEqual(usersOf(seeded.json));
  });

  it("seeds given users with defaults filled in", async () => {
    const seeded = await control(emulator, "POST", "/users", {
      users: [{ email: "g@example.com", name: "Given", api_key: "GIVEN-KEY" }],
    });
    const day = expect.stringMatching(/^\d{4}-\d\d-\d\dT00:00:00Z$/) as unknown;
    expect(usersOf(seeded.json)).toStrictEqual([
      {
        id: expect.any(String) as unknown,
        email: "g@example.com",
        name: "Given",
        api_enabled: true,
        acls: [],
        api_key: "GIVEN-KEY",
        service_user: false,
        first_name: "Given",
        last_name: "",
        status: "active",
        last_activity: "",
        invited_by: "",
        invited_on: "",
        invite_accepted: true,
        api_keys: [
          {
            id: expect.stringMatching(UUID_V4) as unknown,
            api_key: "GIVEN-KEY",
            name: "default",
            expire: false,
            date_expire: "",
          },
        ],
        ip_whitelist: [
          { subnet: "0.0.0.0", subnet_size: 0, date_added: day, ip_type: "v4" },
          { subnet: "::", subnet_size: 0, date_added: day, ip_type: "v6" },
        ],
      },
    ]);
  });

  it("makes drift visible on the next API read", async () => {
    const [user] = emulator.seedUsers([
      { email: "d@example.com", name: "Drift", api_enabled: true },
    ]);
    const id = user?.id ?? "";
    expect(userOf(await api(emulator, "GET", `/users/${id}`)).api_enabled).toBe(true);
    const changed = await control(emulator, "PATCH", `/users/${id}`, { api_enabled: false });
    expect(changed.status).toBe(200);
    expect((changed.json as { user: EmulatedUser }).user.api_enabled).toBe(false);
    expect(userOf(await api(emulator, "GET", `/users/${id}`)).api_enabled).toBe(false);
    expect(emulator.counters().patches).toBe(0);
  });

  it("gets and deletes one user, and says 404 for unknown ones", async () => {
    const [user] = emulator.seedUsers(1, 5);
    const id = user?.id ?? "";
    expect((await control(emulator, "GET", `/users/${id}`)).json).toStrictEqual({ user });
    expect((await control(emulator, "DELETE", `/users/${id}`)).status).toBe(204);
    expect((await control(emulator, "GET", `/users/${id}`)).status).toBe(404);
    expect((await control(emulator, "PATCH", `/users/${id}`, { name: "x" })).status).toBe(404);
    expect((await control(emulator, "DELETE", `/users/${id}`)).status).toBe(404);
  });

  it.each<[string, string, string, unknown]>([
    ["a seed without count or users", "POST", "/users", {}],
    ["a negative count", "POST", "/users", { count: -1 }],
    ["a seed user without email", "POST", "/users", { users: [{ name: "x" }] }],
    ["a malformed id", "POST", "/users", { users: [{ id: "../x", email: "a@b.c", name: "x" }] }],
    ["a wrongly typed drift", "PATCH", "/users/ID", { api_enabled: "no" }],
    ["a bad setting", "PUT", "/settings", { latencyMs: -5 }],
    ["a bad fault", "POST", "/faults", { kind: "nope" }],
  ])("answers 400 to %s", async (_case, method, path, body) => {
    const [user] = emulator.seedUsers(1, 1);
    const answer = await control(emulator, method, path.replace("ID", user?.id ?? ""), body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: expect.any(String) as unknown, status: 400 });
  });

  it("answers 400 to malformed JSON and 404 to unknown control routes", async () => {
    const malformed = await fetch(`${emulator.controlUrl}/users`, {
      method: "POST",
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
    expect((await control(emulator, "GET", "/nothing")).status).toBe(404);
  });

  it("refuses a seed batch with a duplicate email as a whole", async () => {
    const answer = await control(emulator, "POST", "/users", {
      users: [
        { email: "same@example.com", name: "One" },
        { email: "SAME@example.com", name: "Two" },
      ],
    });
    expect(answer.status).toBe(400);
    expect(emulator.listUsers()).toHaveLength(0);
  });
});

describe("control plane: faults, log, counters, settings, reset", () => {
  it("adds faults and clears them", async () => {
    const added = await control(emulator, "POST", "/faults", { kind: "status", status: 503 });
    expect(added.status).toBe(201);
    expect(added.json).toStrictEqual({ id: expect.any(String) as unknown });
    expect((await control(emulator, "DELETE", "/faults")).status).toBe(204);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it("shows the /v2 requests in arrival order, without control requests", async () => {
    const [user] = emulator.seedUsers([{ email: "l@example.com", name: "Log" }]);
    const id = user?.id ?? "";
    await api(emulator, "GET", "/users?per_page=5");
    await api(emulator, "PATCH", `/users/${id}`, { body: { api_enabled: false } });
    await api(emulator, "POST", "/users", {
      body: { email: "p@example.com", name: "P", password: "pw" },
    });
    await api(emulator, "DELETE", "/users/nope");
    const log = (await control(emulator, "GET", "/requests")).json as {
      requests: RequestLogEntry[];
    };
    expect(log.requests).toStrictEqual([
      { method: "GET", path: "/users", query: "per_page=5", route: "GET /users", status: 200, at: expect.any(Number) as unknown },
      { method: "PATCH", path: `/users/${id}`, query: "", route: "PATCH /users/:id", status: 204, body: { api_enabled: false }, at: expect.any(Number) as unknown },
      { method: "POST", path: "/users", query: "", route: "POST /users", status: 201, body: { email: "p@example.com", name: "P", password: "<redacted>" }, at: expect.any(Number) as unknown },
      { method: "DELETE", path: "/users/nope", query: "", route: "DELETE /users/:id", status: 404, at: expect.any(Number) as unknown },
    ]); // prettier-ignore
    expect(emulator.requestLog()).toStrictEqual(log.requests);
  });

  it("counts requests by route and status, and PATCHes that changed the account", async () => {
    const [user] = emulator.seedUsers(1, 2);
    const id = user?.id ?? "";
    await api(emulator, "GET", `/users/${id}`);
    await api(emulator, "PATCH", `/users/${id}`, { body: { api_enabled: true } });
    await api(emulator, "PATCH", `/users/${id}`, { body: { api_enabled: "true" } });
    const counters = (await control(emulator, "GET", "/counters")).json as Counters;
    expect(counters).toStrictEqual({
      total: 3,
      byRoute: { "GET /users/:id": 1, "PATCH /users/:id": 2 },
      byStatus: { "200": 1, "204": 1, "400": 1 },
      rateLimited: 0,
      patches: 1,
    });
    expect((await control(emulator, "DELETE", "/requests")).status).toBe(204);
    expect(emulator.requestLog()).toStrictEqual([]);
    expect(emulator.counters()).toStrictEqual({
      total: 0,
      byRoute: {},
      byStatus: {},
      rateLimited: 0,
      patches: 0,
    });
  });

  it("reads and changes latency and the rate limit", async () => {
    expect((await control(emulator, "GET", "/settings")).json).toStrictEqual({
      latencyMs: 0,
      rateLimitPerSecond: 0,
      ...DEFAULT_KNOBS,
    });
    const changed = await control(emulator, "PUT", "/settings", {
      latencyMs: 5,
      rateLimitPerSecond: 7,
    });
    expect(changed.json).toStrictEqual({ latencyMs: 5, rateLimitPerSecond: 7, ...DEFAULT_KNOBS });
    await control(emulator, "PUT", "/settings", { latencyMs: 0, rateLimitPerSecond: 0 });
  });

  it("resets users, faults, log and counters", async () => {
    emulator.seedUsers(3, 1);
    emulator.addFault({ kind: "status", status: 500, persistent: true });
    await api(emulator, "GET", "/users");
    expect((await control(emulator, "POST", "/reset")).status).toBe(204);
    expect(emulator.listUsers()).toStrictEqual([]);
    expect(emulator.requestLog()).toStrictEqual([]);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });
});

describe("control methods in process", () => {
  it("hand out copies: changing a returned user does not change the account", () => {
    const [user] = emulator.seedUsers([{ email: "c@example.com", name: "Copy", acls: ["dns"] }]);
    user?.acls.push("billing");
    expect(emulator.getUser(user?.id ?? "")?.acls).toStrictEqual(["dns"]);
  });

  it("setUser throws for an unknown user, deleteUser says false", () => {
    expect(() => emulator.setUser("564a1a88947b4", { api_enabled: false })).toThrow(/No user/);
    expect(emulator.deleteUser("564a1a88947b4")).toBe(false);
  });
});
