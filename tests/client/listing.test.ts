import { startEmulator, type RunningEmulator } from "../../emulator";
import { isVultrInvalidResponseError, isVultrError } from "../../provider/client/errors";
import { ALICE, clientFor, failureOf, OWNER_KEY, requestLines, startAccount } from "./harness";

/** What every refusal of an untrusted answer ends with. */
const TRUST_ADVICE =
  " — the provider does not act on an answer it cannot trust; try again later, and report it if it persists";

const aliceJson = {
  id: ALICE,
  name: "Alice",
  email: "alice@example.com",
  api_enabled: true,
  acls: ["billing"],
};

describe("listing every user", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ ownerKey: OWNER_KEY, rateLimitPerSecond: 0 });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it("reads 1234 users in 3 pages of 500, each user exactly once", async () => {
    const seeded = emulator.seedUsers(1234, 7);

    const users = await clientFor(emulator).listAllUsers(500);

    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
    const ids = users.map((user) => user.id);
    expect(new Set(ids).size).toBe(1234);
    expect(ids.sort()).toStrictEqual(seeded.map((user) => user.id).sort());
  });

  it("follows Vultr's opaque cursors from one page to the next", async () => {
    emulator.seedUsers(1234, 7);

    await clientFor(emulator).listAllUsers(500);

    const queries = emulator.requestLog().map((entry) => new URLSearchParams(entry.query));
    expect(queries.map((query) => query.get("per_page"))).toStrictEqual(["500", "500", "500"]);
    expect(queries[0]?.has("cursor")).toBe(false);
    expect(queries[1]?.get("cursor")).toMatch(/\S/);
    expect(queries[2]?.get("cursor")).not.toBe(queries[1]?.get("cursor"));
  });

  it("asks for at most 500 users a page, whatever page size it is given", async () => {
    emulator.seedUsers(1501, 3);

    const users = await clientFor(emulator).listAllUsers(10_000);

    expect(users).toHaveLength(1501);
    expect(requestLines(emulator)).toHaveLength(4);
    expect(emulator.requestLog().map((entry) => entry.query)).toContain("per_page=500");
  });

  it("reads an empty account in one request", async () => {
    await expect(clientFor(emulator).listAllUsers()).resolves.toStrictEqual([]);
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
  });
});

describe("answers the client cannot trust", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startAccount();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.clearFaults();
    emulator.clearRequestLog();
  });

  /** Vultr answers 200 with this body to the next request for `path`. */
  function answerOnce(path: string, body: unknown): void {
    emulator.addFault({ kind: "status", status: 200, path, body });
  }

  it("refuses a user without api_enabled instead of guessing", async () => {
    const { id, name, email, acls } = aliceJson;
    answerOnce(`/users/${ALICE}`, { user: { id, name, email, acls } });

    const error = await failureOf(clientFor(emulator).getUser(ALICE));

    expect(isVultrInvalidResponseError(error)).toBe(true);
    expect(error.message).toBe(
      `Reading Vultr user ${ALICE}: Vultr's answer has user ${ALICE} with api_enabled missing, not a boolean — the provider does not act on an answer it cannot trust; try again later, and report it if it persists`,
    );
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${ALICE}`]);
  });

  it('refuses api_enabled given as the string "true"', async () => {
    answerOnce("/users", { users: [{ ...aliceJson, api_enabled: "true" }], meta: { total: 1 } });

    const error = await failureOf(clientFor(emulator).listAllUsers());

    expect(isVultrInvalidResponseError(error)).toBe(true);
    expect(error.message).toContain('api_enabled as string "true", not a boolean');
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
  });

  it("reads the 2026 fields it knows and ignores fields it does not know", async () => {
    answerOnce(`/users/${ALICE}`, {
      user: { ...aliceJson, service_user: false, first_name: "Alice", mfa: { enabled: true } },
      request_id: "abc",
    });

    await expect(clientFor(emulator).getUser(ALICE)).resolves.toStrictEqual({
      id: ALICE,
      email: "alice@example.com",
      name: "Alice",
      apiEnabled: true,
      acls: ["billing"],
      firstName: "Alice",
      serviceUser: false,
    });
  });

  it("refuses a page holding more users than it asked for", async () => {
    const users = [1, 2, 3].map((n) => ({ ...aliceJson, id: `${ALICE.slice(0, -1)}${n}` }));
    answerOnce("/users", { users, meta: { total: 3, links: { next: "", prev: "" } } });

    const error = await failureOf(clientFor(emulator).listUsersPage({ perPage: 2 }));

    expect(isVultrInvalidResponseError(error)).toBe(true);
    expect(error.message).toBe(
      "Listing Vultr users: Vultr's answer holds 3 users on a page of at most 2" + TRUST_ADVICE,
    );
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
  });

  it("refuses a list without a users array", async () => {
    answerOnce("/users", { user: aliceJson });

    const error = await failureOf(clientFor(emulator).listUsersPage());

    expect(error.message).toBe(
      "Listing Vultr users: Vultr's answer has no users list" + TRUST_ADVICE,
    );
    expect(requestLines(emulator)).toStrictEqual(["GET /users"]);
  });

  it("stops when the next cursor leads back to a page already read", async () => {
    emulator.addFault({
      kind: "status",
      status: 200,
      path: "/users",
      persistent: true,
      body: { users: [aliceJson], meta: { total: 5, links: { next: "bmV4dF9fMg==", prev: "" } } },
    });

    const error = await failureOf(clientFor(emulator).listAllUsers());

    expect(isVultrError(error)).toBe(true);
    expect(error.message).toMatch(/^Listing Vultr users: the list's cursors loop/);
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });
});
