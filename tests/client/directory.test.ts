import type { EmulatedUser, RunningEmulator } from "../../emulator";
import type { VultrUsersClient } from "../../provider/client/users-client";
import { UserDirectory, type DirectoryOptions } from "../../provider/account/directory";
import {
  ALICE,
  BOB,
  CAROL,
  clientFor,
  failureOf,
  requestLines,
  SEED_USERS,
  startAccount,
} from "./harness";

let emulator: RunningEmulator;
let client: VultrUsersClient;

beforeAll(async () => {
  emulator = await startAccount();
  client = clientFor(emulator, { maxRetries: 1 });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const PAGE = 500;
const GONE = "5e1f0000-0000-4000-8000-00000000dead";

/** An account of `total` generated users, in list order. */
function accountOf(total: number): EmulatedUser[] {
  const users = emulator.seedUsers(total, total);
  emulator.clearRequestLog();
  return users;
}

function seedAccount(): void {
  emulator.seedUsers(SEED_USERS);
  emulator.clearRequestLog();
}

function newDirectory(options: DirectoryOptions = {}): UserDirectory {
  return new UserDirectory(client, options);
}

describe("the request budget: min(k, ⌈T/500⌉) + 1 for k declared resources over T users", () => {
  it.each([
    [300, 5],
    [1000, 1],
    [1200, 1],
    [1200, 2],
    [1200, 3],
    [1200, 30],
    [2600, 3],
    [2600, 5],
    [2600, 40],
  ])("holds for T=%i, k=%i, reading the last k users of the list", async (T, k) => {
    const users = accountOf(T);
    const wanted = users.slice(-k);
    const directory = newDirectory();
    directory.expectLookups(k);

    // The engine diffs one resource at a time.
    for (const user of wanted) {
      await expect(directory.get(user.id)).resolves.toMatchObject({
        id: user.id,
        email: user.email,
        apiEnabled: user.api_enabled,
      });
    }

    expect(requestLines(emulator).length).toBeLessThanOrEqual(Math.min(k, Math.ceil(T / PAGE)) + 1);
  });

  it("reads 2 users of 1200 with the first page and 2 single GETs", async () => {
    const users = accountOf(1200);
    const [a, b] = [users[700]!, users[1100]!];
    const directory = newDirectory();
    directory.expectLookups(2);

    await directory.get(a.id);
    await directory.get(b.id);
    await directory.get(a.id);

    expect(requestLines(emulator)).toStrictEqual([
      "GET /users",
      `GET /users/${a.id}`,
      `GET /users/${b.id}`,
    ]);
  });

  it("reads 30 users of 1200 with the whole list, 3 pages", async () => {
    const users = accountOf(1200);
    const directory = newDirectory();
    directory.expectLookups(30);

    for (let i = 0; i < 30; i += 1) await directory.get(users[i * 40]!.id);

    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
  });

  it("answers from the first page alone when it holds every wanted user", async () => {
    const users = accountOf(1200);
    const directory = newDirectory();
    directory.expectLookups(2);

    await directory.get(users[3]!.id);
    await directory.get(users[499]!.id);

    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
  });

  it("remembers a user found missing by a single GET", async () => {
    accountOf(1200);
    const directory = newDirectory();
    directory.expectLookups(1);

    await expect(directory.get(GONE)).resolves.toBeUndefined();
    await expect(directory.get(GONE)).resolves.toBeUndefined();

    expect(requestLines(emulator)).toStrictEqual(["GET /users", `GET /users/${GONE}`]);
  });
});

describe("single flight", () => {
  it("makes 20 concurrent reads on a cold directory share one list load", async () => {
    const users = accountOf(1200);
    const wanted = Array.from({ length: 20 }, (_, i) => users[i * 60]!);
    const directory = newDirectory();

    const found = await Promise.all(wanted.map((user) => directory.get(user.id)));

    expect(found.map((user) => user?.id)).toStrictEqual(wanted.map((user) => user.id));
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
  });

  it("makes concurrent reads of one missing user share one single GET", async () => {
    accountOf(1200);
    const directory = newDirectory();
    directory.expectLookups(1);

    await Promise.all(Array.from({ length: 5 }, () => directory.get(GONE)));

    expect(requestLines(emulator)).toStrictEqual(["GET /users", `GET /users/${GONE}`]);
  });
});

describe("lookups", () => {
  beforeEach(seedAccount);

  it("finds a user by email whatever its case and spacing", async () => {
    const directory = newDirectory();

    await expect(directory.findByEmail("  ALICE@Example.COM ")).resolves.toMatchObject({
      id: ALICE,
    });
    await expect(directory.findByEmail("bob@EXAMPLE.com")).resolves.toMatchObject({ id: BOB });
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
    // A miss is confirmed by reading the list again, once per email.
    await expect(directory.findByEmail("nobody@example.com")).resolves.toBeUndefined();
    await expect(directory.findByEmail("NOBODY@example.com")).resolves.toBeUndefined();
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });

  it("finds a user by email past the first page", async () => {
    const users = accountOf(1200);
    const last = users.at(-1)!;
    const directory = newDirectory();

    await expect(directory.findByEmail(last.email.toUpperCase())).resolves.toMatchObject({
      id: last.id,
    });
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
  });

  it("knows the account's size", async () => {
    await expect(newDirectory().total()).resolves.toBe(3);
  });
});

describe("after a PATCH", () => {
  beforeEach(seedAccount);

  it("serves the recorded value without asking Vultr again", async () => {
    const directory = newDirectory();
    await expect(directory.get(ALICE)).resolves.toMatchObject({ apiEnabled: true });

    await client.setApiEnabled(ALICE, false);
    directory.recordApiEnabled(ALICE, false);

    await expect(directory.get(ALICE)).resolves.toMatchObject({ apiEnabled: false });
    expect(requestLines(emulator)).toStrictEqual(["GET /users", `PATCH /users/${ALICE}`]);
  });

  it("leaves a user read before the PATCH as it was read", async () => {
    const directory = newDirectory();
    const before = await directory.get(ALICE);

    directory.recordApiEnabled(ALICE, false);

    expect(before?.apiEnabled).toBe(true);
    await expect(directory.get(ALICE)).resolves.toMatchObject({ apiEnabled: false });
  });

  it("forgets a user that a PATCH found gone", async () => {
    const directory = newDirectory();
    await directory.get(CAROL);

    emulator.deleteUser(CAROL);
    directory.forget(CAROL);

    await expect(directory.get(CAROL)).resolves.toBeUndefined();
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
    // By email, the miss is confirmed with one more read of the list.
    await expect(directory.findByEmail("carol@example.com")).resolves.toBeUndefined();
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });
});

describe("a miss in the snapshot is never proof of absence", () => {
  beforeEach(seedAccount);

  it("finds users created after the list was read: by id with one GET, by email with one reload", async () => {
    const directory = newDirectory();
    await expect(directory.get(ALICE)).resolves.toMatchObject({ id: ALICE });
    const [byId, byEmail] = emulator.seedUsers([
      { email: "new-by-id@example.com", name: "By id" },
      { email: "new-by-email@example.com", name: "By email" },
    ]) as [EmulatedUser, EmulatedUser];
    emulator.clearRequestLog();

    await expect(directory.get(byId.id)).resolves.toMatchObject({ id: byId.id });
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${byId.id}`]);
    await expect(directory.findByEmail("New-By-Email@example.com")).resolves.toMatchObject({
      id: byEmail.id,
    });
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${byId.id}`, "GET /users"]);
  });

  it("confirms an id missing from a complete list once, and an email once, however often asked", async () => {
    const directory = newDirectory();
    const ghost = "0b4c2f7e-1111-4222-8333-944455556666";
    await directory.get(ALICE);
    emulator.clearRequestLog();

    const answers = await Promise.all([
      directory.get(ghost),
      directory.get(ghost),
      directory.findByEmail("ghost@example.com"),
      directory.findByEmail("ghost@example.com"),
      directory.findByEmail("phantom@example.com"),
    ]);
    await directory.get(ghost);
    await directory.findByEmail("ghost@example.com");

    expect(answers).toStrictEqual([undefined, undefined, undefined, undefined, undefined]);
    // One GET for the id; concurrent email misses share one reload of the list.
    expect(requestLines(emulator).sort()).toStrictEqual(["GET /users", `GET /users/${ghost}`]);
  });
});

describe("freshness", () => {
  beforeEach(seedAccount);

  it("serves the snapshot while fresh, then reloads it exactly once", async () => {
    let now = 1_000_000;
    const directory = newDirectory({ freshnessMs: 60_000, now: () => now });
    await directory.get(ALICE);

    emulator.setUser(ALICE, { api_enabled: false });
    now += 59_999;
    await expect(directory.get(ALICE)).resolves.toMatchObject({ apiEnabled: true });
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);

    now += 1;
    const reads = await Promise.all([
      directory.get(ALICE),
      directory.get(BOB),
      directory.get(ALICE),
    ]);
    expect(reads.map((user) => user?.apiEnabled)).toStrictEqual([false, false, false]);
    await directory.get(CAROL);
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });
});

describe("a list whose cursors never end", () => {
  it("is not followed past the pages its total allows", async () => {
    const users = accountOf(600);
    const directory = newDirectory();
    await directory.get(users[0]!.id);
    // Each answer points at yet another page: a paging bug on the other side.
    for (let page = 1; page <= 10; page += 1) {
      emulator.addFault({
        kind: "status",
        status: 200,
        path: "/users",
        body: { users: [], meta: { total: 600, links: { next: `page-${page}`, prev: "" } } },
      });
    }

    const error = await failureOf(directory.get(GONE));

    expect(error.message).toMatch(/^Listing Vultr users: the list's cursors loop/);
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
  });
});

describe("a failed load", () => {
  beforeEach(seedAccount);

  it("fails every read waiting on it, and the next read loads afresh", async () => {
    emulator.addFault({ kind: "status", status: 401, path: "/users" });
    const directory = newDirectory();

    const failures = await Promise.allSettled([directory.get(ALICE), directory.get(BOB)]);
    expect(failures.map((outcome) => outcome.status)).toStrictEqual(["rejected", "rejected"]);

    await expect(directory.get(ALICE)).resolves.toMatchObject({ id: ALICE });
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });

  it("of the rest of the list does not poison later reads either", async () => {
    const users = accountOf(1200);
    const directory = newDirectory();
    await directory.get(users[0]!.id);
    emulator.addFault({ kind: "status", status: 401, path: "/users" });

    const error = await failureOf(directory.get(users[1100]!.id));
    expect(error.message).toContain("401");

    await expect(directory.get(users[1100]!.id)).resolves.toMatchObject({ id: users[1100]!.id });
    expect(requestLines(emulator)).toStrictEqual([
      "GET /users",
      "GET /users",
      "GET /users",
      "GET /users",
    ]);
  });
});
