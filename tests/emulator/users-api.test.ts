import { startEmulator, type EmulatedUser } from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, listOf, userOf, UUID_V4 } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let alice: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  [alice] = emulator.seedUsers([
    { email: "alice@example.com", name: "Alice Example", acls: ["billing", "dns"] },
  ]) as [EmulatedUser];
});

const USER_KEYS = [
  "id",
  "name",
  "email",
  "api_enabled",
  "acls",
  "service_user",
  "first_name",
  "last_name",
  "status",
  "last_activity",
  "invited_by",
  "invited_on",
  "invite_accepted",
];

describe("GET /users/{id}", () => {
  it("answers 200 with the user, in Vultr's shape, JSON typed", async () => {
    const answer = await api(emulator, "GET", `/users/${alice.id}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.json).toStrictEqual({
      user: {
        id: alice.id,
        name: "Alice Example",
        email: "alice@example.com",
        api_enabled: true,
        acls: ["billing", "dns"],
        service_user: false,
        first_name: "Alice",
        last_name: "Example",
        status: "active",
        last_activity: "",
        invited_by: "",
        invited_on: "",
        invite_accepted: true,
      },
    });
    expect(Object.keys(userOf(answer))).toStrictEqual(USER_KEYS);
  });

  it("answers 404 Invalid user. for an unknown id", async () => {
    const answer = await api(emulator, "GET", "/users/cb676a46-66fd-4dfb-b839-443f2e6c0b60");
    expect(answer.status).toBe(404);
    expect(answer.text).toBe('{"error":"Invalid user.","status":404}');
  });

  it.each(["not-a-uuid", "..%2Faccount", "564a1a88947b4", "%00"])(
    "answers 404 Invalid user. for the malformed or unknown id %s",
    async (id) => {
      const answer = await api(emulator, "GET", `/users/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.json).toStrictEqual({ error: "Invalid user.", status: 404 });
    },
  );

  it("finds users with legacy 13-hex ids", async () => {
    emulator.seedUsers([{ id: "564a1a88947b4", email: "old@example.com", name: "Old Timer" }]);
    const answer = await api(emulator, "GET", "/users/564a1a88947b4");
    expect(answer.status).toBe(200);
    expect(userOf(answer).id).toBe("564a1a88947b4");
  });
});

describe("GET /users", () => {
  it("lists users with meta.total and empty links when everything fits", async () => {
    emulator.seedUsers(4, 1);
    const answer = await api(emulator, "GET", "/users");
    expect(answer.status).toBe(200);
    const list = listOf(answer);
    expect(list.users).toHaveLength(5);
    expect(list.meta).toStrictEqual({ total: 5, links: { next: "", prev: "" } });
    for (const user of list.users) expect(Object.keys(user)).toStrictEqual(USER_KEYS);
  });

  it("never shows API keys or passwords", async () => {
    await api(emulator, "POST", "/users", {
      body: { email: "new@example.com", name: "New", password: "s3cret-Passw0rd" },
    });
    const answer = await api(emulator, "GET", "/users");
    expect(answer.text).not.toMatch(/api_key|password|s3cret/);
  });

  it("lists an empty account as an empty page", async () => {
    emulator.reset();
    const answer = await api(emulator, "GET", "/users");
    expect(answer.json).toStrictEqual({
      users: [],
      meta: { total: 0, links: { next: "", prev: "" } },
    });
  });
});

describe("POST /users", () => {
  it("creates a user: 201 with the API key, which no later read shows", async () => {
    const answer = await api(emulator, "POST", "/users", {
      body: {
        email: "bot@example.com",
        name: "CI Bot",
        password: "correct horse",
        acls: ["subscriptions_view", "manage_users"],
      },
    });
    expect(answer.status).toBe(201);
    const created = (answer.json as { user: Record<string, unknown> }).user;
    expect(created).toStrictEqual({
      id: expect.stringMatching(UUID_V4) as unknown,
      name: "CI Bot",
      email: "bot@example.com",
      api_enabled: true,
      acls: ["manage_users", "subscriptions_view"],
      service_user: false,
      first_name: "CI",
      last_name: "Bot",
      status: "active",
      last_activity: "",
      invited_by: "",
      invited_on: "",
      invite_accepted: true,
      api_key: expect.stringMatching(/^[A-Z0-9]{36}$/) as unknown,
    });
    const read = await api(emulator, "GET", `/users/${String(created["id"])}`);
    expect(read.status).toBe(200);
    expect(userOf(read)).not.toHaveProperty("api_key");
    expect(read.text).not.toContain(String(created["api_key"]));
  });

  it("defaults api_enabled to true and honours an explicit false", async () => {
    const enabled = await api(emulator, "POST", "/users", {
      body: { email: "a@example.com", name: "A", password: "pw" },
    });
    const disabled = await api(emulator, "POST", "/users", {
      body: { email: "b@example.com", name: "B", password: "pw", api_enabled: false },
    });
    expect(userOf(enabled).api_enabled).toBe(true);
    expect(userOf(disabled).api_enabled).toBe(false);
    expect(emulator.getUser(userOf(disabled).id)?.api_enabled).toBe(false);
  });

  it("accepts first_name/last_name and service_user from newer API versions", async () => {
    const answer = await api(emulator, "POST", "/users", {
      body: {
        email: "svc@example.com",
        first_name: "Deploy",
        last_name: "Robot",
        password: "pw",
        service_user: true,
      },
    });
    expect(answer.status).toBe(201);
    expect(userOf(answer)).toMatchObject({ name: "Deploy Robot", service_user: true });
  });

  it.each([
    [{ name: "N", password: "pw" }, /email is required/],
    [{ email: "x@example.com", password: "pw" }, /name is required/],
    [{ email: "x@example.com", name: "N" }, /password is required/],
    [{ email: "not-an-email", name: "N", password: "pw" }, /not a valid email/],
    [{ email: "x@example.com", name: "N", password: "pw", api_enabled: "yes" }, /api_enabled/],
    [{ email: "x@example.com", name: "N", password: "pw", acls: ["root"] }, /Invalid ACL "root"/],
    [
      { email: "x@example.com", name: "N", password: "pw", acls: "billing" },
      /acls must be an array/,
    ],
    [{ email: "alice@example.com", name: "N", password: "pw" }, /already in use/],
    [["not", "an", "object"], /JSON object/],
  ])("answers 400 with a reason for %j", async (body, reason) => {
    const answer = await api(emulator, "POST", "/users", { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toStrictEqual({
      error: expect.stringMatching(reason) as unknown,
      status: 400,
    });
    expect(emulator.listUsers()).toHaveLength(1);
  });
});

describe("PATCH /users/{id}", () => {
  it("answers 204 with an empty body and stores api_enabled: false as false", async () => {
    const answer = await api(emulator, "PATCH", `/users/${alice.id}`, {
      body: { api_enabled: false },
    });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(emulator.getUser(alice.id)?.api_enabled).toBe(false);
    const read = await api(emulator, "GET", `/users/${alice.id}`);
    expect(userOf(read).api_enabled).toBe(false);
  });

  it("changes only the attributes sent", async () => {
    await api(emulator, "PATCH", `/users/${alice.id}`, { body: { email: "alice@example.org" } });
    expect(emulator.getUser(alice.id)).toStrictEqual({ ...alice, email: "alice@example.org" });
  });

  it("replaces the whole ACL list, in the service's order rather than the order sent", async () => {
    await api(emulator, "PATCH", `/users/${alice.id}`, {
      body: { acls: ["upgrade", "manage_users", "abuse", "upgrade"] },
    });
    expect(emulator.getUser(alice.id)?.acls).toStrictEqual(["abuse", "manage_users", "upgrade"]);
  });

  it.each([
    [{ api_enabled: "false" }, /api_enabled must be a boolean/],
    [{ api_enabled: null }, /api_enabled must be a boolean/],
    [{ api_enabled: 0 }, /api_enabled must be a boolean/],
    [{ acls: ["billing", "superuser"] }, /Invalid ACL "superuser"/],
    [{ email: "nope" }, /not a valid email/],
    [{ name: "" }, /name is no longer supported/],
  ])("answers 400 for %j and changes nothing", async (body, reason) => {
    const answer = await api(emulator, "PATCH", `/users/${alice.id}`, { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toStrictEqual({
      error: expect.stringMatching(reason) as unknown,
      status: 400,
    });
    expect(emulator.getUser(alice.id)).toStrictEqual(alice);
  });

  it("answers 404 Invalid user. for an unknown user", async () => {
    const answer = await api(emulator, "PATCH", "/users/564a1a88947b4", {
      body: { api_enabled: true },
    });
    expect(answer.status).toBe(404);
    expect(answer.json).toStrictEqual({ error: "Invalid user.", status: 404 });
  });
});

describe("DELETE /users/{id}", () => {
  it("answers 204 with an empty body, then the user is gone", async () => {
    const answer = await api(emulator, "DELETE", `/users/${alice.id}`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect((await api(emulator, "GET", `/users/${alice.id}`)).status).toBe(404);
    expect((await api(emulator, "DELETE", `/users/${alice.id}`)).status).toBe(404);
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/account"],
    ["PUT", "/users"],
    ["POST", "/users/x/y"],
    ["GET", ""],
  ])("answer %s %s with 404 Not found.", async (method, path) => {
    const answer = await api(emulator, method, path);
    expect(answer.status).toBe(404);
    expect(answer.json).toStrictEqual({ error: "Not found.", status: 404 });
  });
});
