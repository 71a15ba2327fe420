import { ACL_VALUES, startEmulator, type RunningEmulator } from "../../emulator";
import { UUID_V4 } from "./http";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("generated users", () => {
  it("are the same for the same seed, ids and keys included", async () => {
    const other = await startEmulator({ users: 50, seed: 1234 });
    try {
      expect(emulator.seedUsers(50, 1234)).toStrictEqual(other.listUsers());
    } finally {
      await other.close();
    }
  });

  it("differ between seeds, and without a seed", () => {
    const a = emulator.seedUsers(20, 1).map((user) => user.email);
    emulator.reset();
    const b = emulator.seedUsers(20, 2).map((user) => user.email);
    expect(a).not.toStrictEqual(b);
  });

  it("look real: names, unique emails, UUID v4 ids, Vultr-shaped keys", () => {
    const users = emulator.seedUsers(1000, 7);
    expect(new Set(users.map((user) => user.email.toLowerCase())).size).toBe(1000);
    expect(new Set(users.map((user) => user.id)).size).toBe(1000);
    expect(new Set(users.map((user) => user.api_key)).size).toBe(1000);
    for (const user of users) {
      expect(user.id).toMatch(UUID_V4);
      expect(user.email).toMatch(/^[a-z0-9-]+(\.[a-z0-9]+)?\.\d+@example\.com$/);
      expect(user.name).toMatch(user.service_user ? /^[A-Z][A-Za-z ]+$/ : /^\S+ \S+$/u);
      expect(user.api_key).toMatch(/^[A-Z0-9]{36}$/);
      for (const acl of user.acls) expect(ACL_VALUES).toContain(acl);
    }
    const person = users.find((user) => !user.service_user);
    expect(person?.email).toMatch(/^[a-z]+\.[a-z]+\.\d+@example\.com$/);
  });

  it("have about 70% API access, some admins, some with no ACLs, a few service users", () => {
    const users = emulator.seedUsers(1000, 11);
    const share = (predicate: (user: (typeof users)[number]) => boolean) =>
      users.filter(predicate).length / users.length;
    expect(share((user) => user.api_enabled)).toBeGreaterThan(0.62);
    expect(share((user) => user.api_enabled)).toBeLessThan(0.78);
    expect(share((user) => user.acls.includes("manage_users"))).toBeGreaterThan(0.05);
    expect(share((user) => user.acls.length === 0)).toBeGreaterThan(0.05);
    expect(share((user) => user.service_user)).toBeGreaterThan(0);
  });

  it("never collide with users already in the account, even from the same seed", () => {
    emulator.seedUsers(300, 5);
    emulator.seedUsers(300, 5);
    const users = emulator.listUsers();
    expect(new Set(users.map((user) => user.id)).size).toBe(600);
    expect(new Set(users.map((user) => user.email)).size).toBe(600);
  });

  it("have random UUIDs when no seed is given", () => {
    const [a] = emulator.seedUsers(1);
    emulator.reset();
    const [b] = emulator.seedUsers(1);
    expect(a?.id).toMatch(UUID_V4);
    expect(a?.id).not.toBe(b?.id);
  });
});
