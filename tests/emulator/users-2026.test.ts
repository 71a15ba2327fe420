import { ACL_VALUES, startEmulator, type EmulatedUser } from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, userOf } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let alice: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  emulator.setPatchStatus(204);
  [alice] = emulator.seedUsers([
    { email: "alice@example.com", name: "Alice Example", acls: ["billing"] },
  ]) as [EmulatedUser];
});

describe("the 2026 user object", () => {
  it("creates a user from first_name and last_name; name is the full name", async () => {
    const answer = await api(emulator, "POST", "/users", {
      body: {
        email: "svc@example.com",
        first_name: "Deploy",
        last_name: "Robot",
        password: "pw",
        service_user: true,
        acls: ["activity_logs"],
      },
    });
    expect(answer.status).toBe(201);
    expect(userOf(answer)).toMatchObject({
      name: "Deploy Robot",
      first_name: "Deploy",
      last_name: "Robot",
      service_user: true,
      status: "active",
      acls: ["activity_logs"],
    });
  });

  it("knows 14 ACL values, activity_logs included", () => {
    expect(ACL_VALUES).toHaveLength(14);
    expect(ACL_VALUES).toContain("activity_logs");
  });

  it("needs both halves of a split name", async () => {
    const answer = await api(emulator, "POST", "/users", {
      body: { email: "x@example.com", first_name: "Only", password: "pw" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: "last_name is required with first_name." });
  });

  it("shows seeded fields as given", async () => {
    const [bob] = emulator.seedUsers([
      {
        email: "bob@example.com",
        first_name: "Bob",
        last_name: "Builder",
        status: "pending",
        last_activity: "2026-11-30T10:00:00Z",
        invited_by: "alice@example.com",
        invited_on: "2026-11-01T09:00:00Z",
      },
    ]);
    const answer = await api(emulator, "GET", `/users/${bob?.id ?? ""}`);
    expect(userOf(answer)).toMatchObject({
      name: "Bob Builder",
      status: "pending",
      last_activity: "2026-11-30T10:00:00Z",
      invited_by: "alice@example.com",
      invited_on: "2026-11-01T09:00:00Z",
      invite_accepted: false,
    });
  });

  it("refuses a seed status that does not exist", () => {
    expect(() =>
      emulator.seedUsers([{ email: "z@example.com", name: "Z", status: "frozen" as "active" }]),
    ).toThrow(/status must be one of pending, active, suspended, closed/);
  });
});

describe("PATCH /users/{id} in 2026", () => {
  it.each(["name", "first_name", "last_name", "password"])(
    "refuses %s with 400 'no longer supported' and changes nothing",
    async (field) => {
      const answer = await api(emulator, "PATCH", `/users/${alice.id}`, {
        body: { [field]: "Changed", api_enabled: false },
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toStrictEqual({
        error: `${field} is no longer supported by PATCH /users/{user-id} (since 07/2025); only email, api_enabled and acls can be changed.`,
        status: 400,
      });
      expect(emulator.getUser(alice.id)).toStrictEqual(alice);
    },
  );

  it("answers 202 with an empty body when the knob says so, and counts it as applied", async () => {
    emulator.setPatchStatus(202);
    const answer = await api(emulator, "PATCH", `/users/${alice.id}`, {
      body: { api_enabled: false },
    });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe("");
    expect(emulator.getUser(alice.id)?.api_enabled).toBe(false);
    expect(emulator.counters()).toMatchObject({ patches: 1, byStatus: { "202": 1 } });
  });

  it("takes patchStatus as a start option", async () => {
    const other = await startEmulator({ patchStatus: 202, users: 1, seed: 3 });
    try {
      const [user] = other.listUsers();
      const answer = await api(other, "PATCH", `/users/${user?.id ?? ""}`, {
        body: { api_enabled: true },
      });
      expect(answer.status).toBe(202);
      expect(other.behaviour().patchStatus).toBe(202);
    } finally {
      await other.close();
    }
  });

  it("refuses a knob value outside its choices", () => {
    expect(() => emulator.setPatchStatus(200 as 204)).toThrow(
      /patchStatus must be one of 204, 202/,
    );
  });
});

describe("generated users in 2026", () => {
  it("vary their activity, invitations, allowlists and keys, all plausible", () => {
    const users = emulator.seedUsers(500, 21);
    const share = (predicate: (user: EmulatedUser) => boolean) =>
      users.filter(predicate).length / users.length;
    expect(users.every((user) => user.status === "active")).toBe(true);
    expect(share((user) => user.last_activity === "")).toBeGreaterThan(0.1);
    expect(share((user) => user.last_activity !== "")).toBeGreaterThan(0.5);
    expect(share((user) => user.ip_whitelist.every((entry) => entry.subnet_size > 0))).toBeGreaterThan(0.05);
    expect(share((user) => user.api_keys.length > 1)).toBeGreaterThan(0.05);
    expect(share((user) => user.api_keys.some((key) => key.expire))).toBeGreaterThan(0.02);
    for (const user of users) {
      expect(user.api_keys[0]).toMatchObject({ api_key: user.api_key, expire: false });
      expect(`${user.first_name} ${user.last_name}`.trim()).toBe(user.name);
      if (user.last_activity !== "") expect(Date.parse(user.last_activity)).toBeLessThan(Date.now());
      if (user.invited_on !== "" && user.last_activity !== "") {
        expect(user.last_activity > user.invited_on).toBe(true);
      }
    }
  }); // prettier-ignore

  it("have allowlists the API itself would accept", async () => {
    const users = emulator.seedUsers(200, 5);
    const [admin] = emulator.seedUsers([{ email: "a@example.com", name: "A" }]);
    const entries = new Map<string, { subnet: string; subnet_size: number }>();
    for (const user of users) {
      for (const { subnet, subnet_size } of user.ip_whitelist) {
        entries.set(`${subnet}/${subnet_size}`, { subnet, subnet_size });
      }
    }
    expect(entries.size).toBeGreaterThan(3);
    for (const entry of entries.values()) {
      const answer = await api(emulator, "POST", `/users/${admin?.id ?? ""}/ip-whitelist`, {
        body: entry,
      });
      expect([entry, answer.status]).toStrictEqual([entry, 204]);
    }
  });
});
