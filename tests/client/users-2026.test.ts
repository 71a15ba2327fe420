/**
 * The 2026 API as the client meets it: the grown user object, PATCH answered 202, per-user API
 * keys listed masked, and a key refused for the address it is used from.
 */
import { keyMatches } from "../../provider/client/key-match";
import { unauthorizedReason } from "../../provider/client/advice";
import { isVultrApiError } from "../../provider/client/errors";
import {
  ALICE,
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
// Knobs survive reset(): put them back for the next test.
afterEach(() => {
  emulator.setBehaviour({ patchStatus: 204, maskApiKeys: true });
  emulator.setClientAddress(undefined);
});

const MISSING = "11111111-2222-4333-8444-555555555555";
const DAVE = "4d4d4d4d-1111-4222-8333-444444444444";
const DAVE_KEY = "DAVEKEY00000000000000000000000000009";

describe("the 2026 user object", () => {
  const dave = {
    id: DAVE,
    email: "dave@example.com",
    first_name: "Dave",
    last_name: "de la Cruz",
    api_enabled: true,
    acls: ["manage_users"],
    service_user: true,
    status: "suspended" as const,
    last_activity: "2026-03-01T12:00:00Z",
    invited_by: "owner@example.com",
    invited_on: "2026-01-02T03:04:05Z",
    invite_accepted: true,
  };
  const expected = {
    id: DAVE,
    email: "dave@example.com",
    name: "Dave de la Cruz",
    apiEnabled: true,
    acls: ["manage_users"],
    firstName: "Dave",
    lastName: "de la Cruz",
    status: "suspended",
    serviceUser: true,
    lastActivity: "2026-03-01T12:00:00Z",
    invitedBy: "owner@example.com",
    invitedOn: "2026-01-02T03:04:05Z",
    inviteAccepted: true,
  };

  it("reads every 2026 field of a single user", async () => {
    emulator.seedUsers([dave]);

    await expect(clientFor(emulator).getUser(DAVE)).resolves.toStrictEqual(expected);
  });

  it("reads them from the list too", async () => {
    emulator.seedUsers([dave]);

    const users = await clientFor(emulator).listAllUsers();

    expect(users.find((u) => u.id === DAVE)).toStrictEqual(expected);
  });
});

describe("PATCH answered 202 Accepted", () => {
  it("takes a 202 as success, once", async () => {
    emulator.setPatchStatus(202);

    await expect(clientFor(emulator).setApiEnabled(ALICE, false)).resolves.toBeUndefined();

    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([202]);
    expect(emulator.getUser(ALICE)?.api_enabled).toBe(false);
  });
});

describe("listApiKeys", () => {
  it("lists a user's keys masked but for their tail, which identifies the running key", async () => {
    const keys = await clientFor(emulator).listApiKeys(CAROL);

    expect(requestLines(emulator)).toStrictEqual([`GET /users/${CAROL}/apikeys`]);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ name: "default", expire: false, dateExpire: null });
    expect(key?.maskedKey).toBe(`${"*".repeat(CAROL_KEY.length - 5)}${CAROL_KEY.slice(-5)}`);
    expect(keyMatches(key?.maskedKey ?? "", CAROL_KEY)).toBe(true);
    expect(keyMatches(key?.maskedKey ?? "", OWNER_KEY)).toBe(false);
  });

  it("lists every key, with its expiry", async () => {
    const extra = emulator.addApiKey(CAROL, {
      name: "ci",
      date_expire: "2099-01-01T00:00:00Z",
    });

    const keys = await clientFor(emulator).listApiKeys(CAROL);

    expect(keys.map((k) => k.name)).toStrictEqual(["default", "ci"]);
    expect(keys[1]).toMatchObject({
      id: extra.id,
      expire: true,
      dateExpire: "2099-01-01T00:00:00Z",
    });
    expect(keyMatches(keys[1]?.maskedKey ?? "", extra.api_key)).toBe(true);
    expect(keyMatches(keys[1]?.maskedKey ?? "", CAROL_KEY)).toBe(false);
  });

  it("masks keys that an answer shows in clear text", async () => {
    emulator.setBehaviour({ maskApiKeys: false });

    const keys = await clientFor(emulator).listApiKeys(CAROL);

    expect(JSON.stringify(keys)).not.toContain(CAROL_KEY);
    expect(keyMatches(keys[0]?.maskedKey ?? "", CAROL_KEY)).toBe(true);
  });

  it("names the missing user on a 404", async () => {
    const error = await failureOf(clientFor(emulator).listApiKeys(MISSING));

    expect(error).toMatchObject({ status: 404, vultrMessage: "Invalid user.", attempts: 1 });
    expect(error.message).toContain(`Listing the API keys of Vultr user ${MISSING}`);
  });

  it("says a key without manage_users needs it", async () => {
    const error = await failureOf(clientFor(emulator, { apiKey: CAROL_KEY }).listApiKeys(ALICE));

    expect(error).toMatchObject({ status: 403, attempts: 1 });
    expect(error.message).toMatch(/manage_users/);
    expect(error.message).not.toContain(CAROL_KEY);
  });

  it("retries a 500 and then lists", async () => {
    emulator.addFault({ kind: "status", status: 500, path: `/users/${CAROL}/apikeys` });

    await expect(clientFor(emulator).listApiKeys(CAROL)).resolves.toHaveLength(1);
    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([500, 200]);
  });
});

describe("a key used from outside its user's allowlist", () => {
  it("is told to add the address to the allowlist, not to check the key", async () => {
    emulator.seedUsers([
      {
        id: DAVE,
        email: "dave@example.com",
        name: "Dave",
        acls: ["manage_users"],
        api_key: DAVE_KEY,
        ip_whitelist: [{ subnet: "8.8.8.0", subnet_size: 24 }],
      },
    ]);
    emulator.setClientAddress("9.9.9.9");

    const error = await failureOf(clientFor(emulator, { apiKey: DAVE_KEY }).getUser(ALICE));

    expect(isVultrApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, attempts: 1 });
    const vultrText = isVultrApiError(error) ? error.vultrMessage : "";
    expect(vultrText).toMatch(/^Unauthorized IP address/);
    expect(unauthorizedReason(401, vultrText)).toBe("address not allowed");
    expect(error.message).toMatch(
      /refused from 9\.9\.9\.9: add 9\.9\.9\.9\/32 to the API access control list \(IP allowlist\) of the key's user with the account owner's key/,
    );
    expect(error.message).not.toMatch(/vultr:apiKey/);
    expect(error.message).not.toContain(DAVE_KEY);
  });
});
