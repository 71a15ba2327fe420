import {
  isVultrApiError,
  isVultrError,
  isVultrUsageError,
  VultrApiError,
} from "../../provider/client/errors";
import {
  ALICE,
  BOB,
  CAROL,
  CAROL_KEY,
  clientFor,
  failureOf,
  OWNER_KEY,
  requestLines,
  resetAccount,
  startAccount,
} from "./harness";
import { useEmulator } from "../support/use-emulator";

const emulator = useEmulator(startAccount, { beforeEach: resetAccount });

const GONE = "5e1f0000-0000-4000-8000-00000000dead";
const WRONG_KEY = "WRONGKEY0000000000000000000000000000";
const BOB_KEY = "BOBKEY000000000000000000000000000002";

/** The key must not appear anywhere a person or a log could see it. */
function expectKeyFree(error: Error, key: string): void {
  expect(error.message).not.toContain(key);
  expect(String(error)).not.toContain(key);
  expect(error.stack ?? "").not.toContain(key);
  expect(JSON.stringify({ ...error })).not.toContain(key);
}

describe("an API key Vultr does not accept", () => {
  it("is reported with the status, Vultr's text and both places the key is set", async () => {
    const error = await failureOf(clientFor(emulator, { apiKey: WRONG_KEY }).getUser(ALICE));

    expect(isVultrApiError(error) && error.status).toBe(401);
    expect(error.message).toContain(`Reading Vultr user ${ALICE}`);
    expect(error.message).toContain('401 "Invalid API token."');
    expect(error.message).toMatch(/`vultr:apiKey`.*VULTR_API_KEY/);
    expectKeyFree(error, WRONG_KEY);
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${ALICE}`]);
  });

  it("is the same for the key of a user whose API access is disabled", async () => {
    emulator.setUser(BOB, { api_key: BOB_KEY, api_enabled: false });

    const error = await failureOf(clientFor(emulator, { apiKey: BOB_KEY }).listUsersPage());

    expect(error.message).toContain('401 "Invalid API token."');
    expect(error.message).toContain("still has API access");
    expectKeyFree(error, BOB_KEY);
  });
});

describe("a caller address outside the key's allowlist", () => {
  it("names the address and the allowlist to add it to", async () => {
    emulator.addFault({
      kind: "status",
      status: 401,
      body: '{"error":"Unauthorized IP address: 203.0.113.7","status":401}',
    });

    const error = await failureOf(clientFor(emulator).setApiEnabled(ALICE, false));

    expect(error).toMatchObject({ status: 401, method: "PATCH", path: `/users/${ALICE}` });
    expect(error.message).toContain(`Setting api_enabled=false on Vultr user ${ALICE}`);
    expect(error.message).toContain('401 "Unauthorized IP address: 203.0.113.7"');
    expect(error.message).toMatch(
      /add 203\.0\.113\.7\/32 to the API access control list \(IP allowlist\) of the key's user with the account owner's key/,
    );
    expectKeyFree(error, OWNER_KEY);
    expect(emulator.getUser(ALICE)?.api_enabled).toBe(true);
  });
});

describe("a key whose user may not manage users", () => {
  it("says that the manage_users permission is missing", async () => {
    const error = await failureOf(clientFor(emulator, { apiKey: CAROL_KEY }).getUser(ALICE));

    expect(isVultrApiError(error) && error.status).toBe(403);
    expect(error.message).toContain('403 "Unauthorized to manage users."');
    expect(error.message).toMatch(/lacks the `manage_users` permission/);
    expectKeyFree(error, CAROL_KEY);
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${ALICE}`]);
  });

  it("works once the user is granted manage_users", async () => {
    emulator.setUser(CAROL, { acls: ["subscriptions_view", "manage_users"] });

    await expect(clientFor(emulator, { apiKey: CAROL_KEY }).getUser(ALICE)).resolves.toMatchObject({
      id: ALICE,
    });
  });
});

describe("a user that no longer exists", () => {
  it("is a 404 naming the user and how to drop it from the program or state", async () => {
    const error = await failureOf(clientFor(emulator).setApiEnabled(GONE, true));

    expect(error).toBeInstanceOf(VultrApiError);
    expect(error).toMatchObject({ status: 404, userId: GONE, vultrMessage: "Invalid user." });
    expect(error.message).toContain(`Vultr user ${GONE}`);
    expect(error.message).toMatch(/no longer exists.*`pulumi refresh`/);
    expectKeyFree(error, OWNER_KEY);
  });

  it("is undefined, not an error, from findUser", async () => {
    await expect(clientFor(emulator).findUser(GONE)).resolves.toBeUndefined();
    expect(requestLines(emulator)).toStrictEqual([`GET /users/${GONE}`]);
  });
});

describe("the API key never appears in an error", () => {
  it("not when a proxy's error page echoes the request headers", async () => {
    emulator.addFault({
      kind: "status",
      status: 400,
      body: `Bad request. Headers: Authorization: Bearer ${OWNER_KEY}`,
    });

    const error = await failureOf(clientFor(emulator).getUser(ALICE));

    expect(error.message).toContain("Authorization: Bearer [redacted]");
    expect((error as VultrApiError).vultrMessage).not.toContain(OWNER_KEY);
    expectKeyFree(error, OWNER_KEY);
  });

  it("not when a key with a line break is refused, and nothing is sent", () => {
    const pasted = `${OWNER_KEY}\n`;
    let error: unknown;
    try {
      clientFor(emulator, { apiKey: pasted });
    } catch (thrown) {
      error = thrown;
    }

    expect(isVultrUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/cannot be sent in an HTTP header/);
    expectKeyFree(error as Error, OWNER_KEY);
    expect(requestLines(emulator)).toStrictEqual([]);
  });

  it.each([
    ["a timeout", { kind: "hang" } as const],
    ["a reset connection", { kind: "reset" } as const],
    ["a cut-off body", { kind: "truncated" } as const],
    ["an HTML page", { kind: "non-json" } as const],
    ["a 502 from a proxy", { kind: "non-json", status: 502 } as const],
    ["a 429", { kind: "status", status: 429 } as const],
  ])("not after %s", async (_name, fault) => {
    emulator.addFault({ ...fault, persistent: true });

    const error = await failureOf(
      clientFor(emulator, { maxRetries: 1, timeoutMs: 100 }).getUser(ALICE),
    );

    expect(isVultrError(error)).toBe(true);
    expect(error.message).toContain(`Reading Vultr user ${ALICE}`);
    expectKeyFree(error, OWNER_KEY);
  });
});

describe("an endpoint without /v2 (issue 16, bug 2)", () => {
  /** The emulator's origin: it serves the API under /v2 and answers 404 anywhere else. */
  const origin = () => emulator.baseUrl.replace(/\/v2$/, "");

  it("blames the endpoint, with the URL that answered 404, when the users list answers 404", async () => {
    const error = await failureOf(clientFor(emulator, { endpoint: origin() }).listUsersPage());

    expect(error).toMatchObject({ status: 404, path: "/users" });
    expect(error.message).toContain(`${origin()}/users answered 404`);
    expect(error.message).toContain("must end in /v2");
    expect(error.message).toMatch(/`vultr:apiEndpoint` \/ VULTR_API_ENDPOINT/);
    expect(error.message).not.toMatch(/no longer exists|pulumi refresh/);
    expectKeyFree(error, OWNER_KEY);
    // Nothing reached the API under /v2.
    expect(requestLines(emulator)).toStrictEqual([]);
  });

  it("blames the endpoint under another base path too", async () => {
    const base = `${origin()}/api`;
    const error = await failureOf(clientFor(emulator, { endpoint: base }).listAllUsers());

    expect(error.message).toContain(`${base}/users answered 404`);
    expect(error.message).toContain("must end in /v2");
    expect(error.message).not.toContain("no longer exists");
  });

  it("still blames the user for a 404 on one user's path", async () => {
    const error = await failureOf(clientFor(emulator).getUser(GONE));

    expect(error.message).toMatch(/no longer exists.*`pulumi refresh`/);
    expect(error.message).not.toContain("must end in /v2");
  });
});
