/**
 * Per-user API keys through the client, against the emulator over real HTTP: create (the key
 * shown once, never sent twice), delete (a key already gone is "absent"), the list with Vultr's
 * clock, and a created key's value kept out of every message.
 */
import { inspect } from "node:util";
import type { RunningEmulator } from "../../emulator";
import {
  isVultrApiError,
  isVultrTimeoutError,
  isVultrUncertainWriteError,
  isVultrUsageError,
  VultrUncertainWriteError,
} from "../../provider/client/errors";
import { keyHint } from "../../provider/client/key-match";
import { ALICE, clientFor, failureOf, requestLines, resetAccount, startAccount } from "./harness";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startAccount();
});
afterAll(() => emulator.close());
beforeEach(() => resetAccount(emulator));
// Knobs survive reset(): put them back for the next test.
afterEach(() => {
  emulator.setBehaviour({ createKeyAnswer: "key", apiKeyNameMaxLength: 64, apiKeysPerUser: 10 });
  emulator.setClockOffset(0);
});

const DAY_MS = 86_400_000;
const MISSING = "11111111-2222-4333-8444-555555555555";
const keysPath = `/users/${ALICE}/apikeys`;
const createLine = `POST ${keysPath}`;
const inNinetyDays = () => new Date(Math.floor(Date.now() / 1000) * 1000 + 90 * DAY_MS);
const keyNamed = (name: string) => emulator.listApiKeys(ALICE).find((key) => key.name === name);
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe("createApiKey", () => {
  it("sends name, expire and date_expire once, and returns the key info and the clear key", async () => {
    const dateExpire = inNinetyDays();
    const created = await clientFor(emulator).createApiKey(ALICE, { name: "ci", dateExpire });

    const stored = keyNamed("ci");
    expect(created?.apiKey.reveal()).toBe(stored?.api_key);
    expect(created?.key).toStrictEqual({
      id: stored?.id,
      maskedKey: `${"*".repeat(31)}${stored?.api_key.slice(-5) ?? ""}`,
      name: "ci",
      expire: true,
      dateExpire: dateExpire.toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
    expect(requestLines(emulator)).toStrictEqual([createLine]);
    expect(emulator.requestLog()[0]?.body).toStrictEqual({
      name: "ci",
      expire: true,
      date_expire: dateExpire.toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
  }); // prettier-ignore

  it("makes a key that never expires when no date is given", async () => {
    const created = await clientFor(emulator).createApiKey(ALICE, { name: "forever" });
    expect(created?.key).toMatchObject({ expire: false, dateExpire: null });
    expect(emulator.requestLog()[0]?.body).toStrictEqual({ name: "forever", expire: false });
  });

  it("shows only the key's hint when printed, logged or serialized", async () => {
    const created = await clientFor(emulator).createApiKey(ALICE, { name: "ci" });
    const value = created?.apiKey.reveal() ?? "missing";
    const hint = keyHint(created?.key.maskedKey ?? "");
    expect(created?.apiKey.hint).toBe(hint);
    for (const text of [JSON.stringify(created), inspect(created, { depth: 5 }), `${String(created?.apiKey)}`]) {
      expect(text).not.toContain(value);
      expect(text).toContain(hint);
    }
  }); // prettier-ignore

  it("returns undefined when Vultr answers 202 with no body (the 2026 spec); the key exists", async () => {
    emulator.setBehaviour({ createKeyAnswer: "empty" });
    await expect(clientFor(emulator).createApiKey(ALICE, { name: "ci" })).resolves.toBeUndefined();
    expect(keyNamed("ci")).toBeDefined();
    expect(requestLines(emulator)).toStrictEqual([createLine]);
  });

  it("retries a 429 (turned away before handling) and makes one key", async () => {
    emulator.addFault({ kind: "status", status: 429, method: "POST", headers: { "retry-after": "0" } }); // prettier-ignore
    const created = await clientFor(emulator).createApiKey(ALICE, { name: "ci" });
    expect(requestLines(emulator)).toStrictEqual([createLine, createLine]);
    expect(emulator.listApiKeys(ALICE).filter((key) => key.name === "ci")).toHaveLength(1);
    expect(created?.key.id).toBe(keyNamed("ci")?.id);
  });
});

describe("createApiKey never sends a create twice when its outcome is unknown", () => {
  const uncertainOf = async (promise: Promise<unknown>): Promise<VultrUncertainWriteError> => {
    const error = await failureOf(promise);
    expect(isVultrUncertainWriteError(error)).toBe(true);
    expect(error).toBeInstanceOf(VultrUncertainWriteError);
    await settle();
    expect(requestLines(emulator)).toStrictEqual([createLine]);
    expect(error.message).toContain(`Creating API key "ci" for Vultr user ${ALICE}`);
    expect(error.message).toContain(`list the user's API keys (GET ${keysPath}) and look for one named "ci"`); // prettier-ignore
    return error as VultrUncertainWriteError;
  };

  it("after a timeout: one POST, a VultrUncertainWriteError, not a timeout to retry", async () => {
    emulator.addFault({ kind: "hang", method: "POST" });
    const error = await uncertainOf(
      clientFor(emulator, { timeoutMs: 200 }).createApiKey(ALICE, { name: "ci" }),
    );
    expect(isVultrTimeoutError(error)).toBe(false);
    expect(error.message).toMatch(/no complete answer from Vultr within 200 ms/);
    expect(error.message).toMatch(/whether Vultr made the change is unknown, and it was not sent again/); // prettier-ignore
    expect(error).toMatchObject({ method: "POST", path: keysPath, userId: ALICE, attempts: 1, status: undefined }); // prettier-ignore
  });

  it.each([500, 502, 503, 504])("after a %i: one POST, with the status and Vultr's text", async (status) => {
    emulator.addFault({ kind: "status", status, method: "POST", body: { error: "Upstream trouble.", status } }); // prettier-ignore
    const error = await uncertainOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.status).toBe(status);
    expect(error.message).toContain(`Vultr answered ${status} "Upstream trouble." (POST ${keysPath})`); // prettier-ignore
  }); // prettier-ignore

  it("after a reset connection: one POST", async () => {
    emulator.addFault({ kind: "reset", method: "POST" });
    const error = await uncertainOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.message).toMatch(/the connection to Vultr failed/);
  });

  it("after a 202 that is not JSON: one POST, and the body is not quoted", async () => {
    emulator.addFault({ kind: "status", status: 202, method: "POST", body: "<html>KEYVALUE000000000000000000000000001</html>" }); // prettier-ignore
    const error = await uncertainOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.message).toMatch(/not JSON \(\d+ characters, not shown: it may hold the new key\)/); // prettier-ignore
    expect(error.message).not.toContain("KEYVALUE");
  });

  it("after a 202 whose key has no id: the key's value stays out of the message", async () => {
    const value = "ECHOEDKEY000000000000000000000000042";
    emulator.addFault({ kind: "status", status: 202, method: "POST", body: { api_key: { api_key: value, name: "ci", expire: false } } }); // prettier-ignore
    const error = await uncertainOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.message).toMatch(/Vultr's answer has the new key without an id/);
    expect(error.message).not.toContain(value);
  });
});

describe("createApiKey refusals", () => {
  it("names the user, the status, Vultr's text and the fix, and does not retry a 400", async () => {
    const error = await failureOf(clientFor(emulator).createApiKey(ALICE, { name: "n".repeat(65) }));
    expect(isVultrApiError(error)).toBe(true);
    expect(error.message).toBe(
      `Creating API key "${"n".repeat(60)}… (65 characters)" for Vultr user ${ALICE}: Vultr answered 400 ` +
        `"name must be at most 64 characters." (POST ${keysPath}) — Vultr refused the key's name ` +
        "(its text above says why): choose a shorter or plainer name",
    );
    expect(requestLines(emulator)).toHaveLength(1);
  }); // prettier-ignore

  it("says to delete a key when the user holds the most keys allowed", async () => {
    emulator.setBehaviour({ apiKeysPerUser: 1 });
    const error = await failureOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.message).toMatch(/Vultr answered 400 "User already has the maximum of 1 API keys; delete one before creating another\." .* the user holds as many API keys as Vultr allows: delete a key the user no longer needs/); // prettier-ignore
  });

  it("says the user is gone on a 404", async () => {
    const error = await failureOf(clientFor(emulator).createApiKey(MISSING, { name: "ci" }));
    expect(error.message).toMatch(
      /Vultr answered 404 "Invalid user\." .* the user no longer exists/,
    );
  });

  it.each<[string, unknown, unknown, RegExp]>([
    ["an empty name", ALICE, { name: " " }, /needs a non-empty name, got " "; nothing was sent/],
    ["an invalid date", ALICE, { name: "ci", dateExpire: new Date(NaN) }, /must be a valid Date, got "null"; nothing was sent/],
    ["a date string", ALICE, { name: "ci", dateExpire: "2027-01-01" }, /must be a valid Date, got "2027-01-01"/],
    ["a path as user id", "../account", { name: "ci" }, /is not a Vultr user id/],
  ])("refuses %s before sending anything", async (_what, userId, key, message) => {
    const error = await failureOf(clientFor(emulator).createApiKey(userId as string, key as { name: string }));
    expect(isVultrUsageError(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(requestLines(emulator)).toStrictEqual([]);
  }); // prettier-ignore
});

describe("a created key never appears in a later message", () => {
  it("is scrubbed from an error text that echoes it", async () => {
    const client = clientFor(emulator);
    const created = await client.createApiKey(ALICE, { name: "ci" });
    const value = created?.apiKey.reveal() ?? "missing";
    emulator.addFault({ kind: "status", status: 400, method: "GET", body: { error: `bad key ${value}`, status: 400 } }); // prettier-ignore
    const error = await failureOf(clientFor(emulator).listApiKeys(ALICE));
    expect(error.message).toContain("bad key [redacted]");
    expect(error.message).not.toContain(value);
  });

  it("scrubs anything shaped like a key from a failed create's error text", async () => {
    emulator.addFault({ kind: "status", status: 503, method: "POST", body: { error: "made ABCDEFGHIJ0123456789ABCDEFGHIJ012345 then failed", status: 503 } }); // prettier-ignore
    const error = await failureOf(clientFor(emulator).createApiKey(ALICE, { name: "ci" }));
    expect(error.message).toContain('"made [redacted] then failed"');
  });
});

describe("deleteApiKey", () => {
  it("deletes, and says absent for a key already gone", async () => {
    const extra = emulator.addApiKey(ALICE, { name: "old" });
    await expect(clientFor(emulator).deleteApiKey(ALICE, extra.id)).resolves.toBe("deleted");
    expect(keyNamed("old")).toBeUndefined();
    await expect(clientFor(emulator).deleteApiKey(ALICE, extra.id)).resolves.toBe("absent");
    expect(requestLines(emulator)).toStrictEqual([`DELETE ${keysPath}/${extra.id}`, `DELETE ${keysPath}/${extra.id}`]); // prettier-ignore
  });

  it("retries a 503 (deleting twice ends the same) and then finds the key gone or deletes it", async () => {
    const extra = emulator.addApiKey(ALICE, { name: "old" });
    emulator.addFault({ kind: "status", status: 503, method: "DELETE" });
    await expect(clientFor(emulator).deleteApiKey(ALICE, extra.id)).resolves.toBe("deleted");
    expect(requestLines(emulator)).toHaveLength(2);
  });

  it("keeps a missing user an error: Invalid user. is not a missing key", async () => {
    const error = await failureOf(clientFor(emulator).deleteApiKey(MISSING, "0b8e4c52-4ee5-4a49-9d7a-6d1c3a6f0b11"));
    expect(isVultrApiError(error) && error.status).toBe(404);
    expect(error.message).toMatch(new RegExp(`^Deleting API key 0b8e4c52-4ee5-4a49-9d7a-6d1c3a6f0b11 of Vultr user ${MISSING}: Vultr answered 404 "Invalid user\\."`)); // prettier-ignore
  }); // prettier-ignore

  it.each(["../../users", "", "a/b", "x".repeat(65)])("refuses key id %j before sending anything", async (keyId) => {
    const error = await failureOf(clientFor(emulator).deleteApiKey(ALICE, keyId));
    expect(isVultrUsageError(error)).toBe(true);
    expect(requestLines(emulator)).toStrictEqual([]);
  }); // prettier-ignore
});

describe("listApiKeysWithClock", () => {
  it("reads Vultr's clock from the Date header: the emulator's moved clock, not this machine's", async () => {
    emulator.setClockOffset(80 * 86_400);
    const listing = await clientFor(emulator).listApiKeysWithClock(ALICE);
    expect(listing.keys.map((key) => key.name)).toStrictEqual(["default"]);
    expect(listing.clock.source).toBe("vultr");
    expect(Math.abs(listing.clock.now.getTime() - (Date.now() + 80 * DAY_MS))).toBeLessThan(2000);
  }); // prettier-ignore

  it.each<[string, string, RegExp]>([
    ["missing", "", /^Vultr's answer had no Date header, so this machine's clock \(.+\) stands in for Vultr's$/],
    ["not a date", "yesterday-ish", /^Vultr's answer had a Date header that is not a date \("yesterday-ish"\), so this machine's clock/],
  ])("falls back to this machine's clock, saying why, when the header is %s", async (_what, date, problem) => {
    emulator.setClockOffset(80 * 86_400);
    emulator.addFault({ kind: "status", status: 200, method: "GET", body: { api_keys: [] }, headers: { date } }); // prettier-ignore
    const { clock } = await clientFor(emulator).listApiKeysWithClock(ALICE);
    expect(clock.source).toBe("local");
    expect(clock.source === "local" && clock.problem).toMatch(problem);
    expect(Math.abs(clock.now.getTime() - Date.now())).toBeLessThan(2000);
  }); // prettier-ignore

  it("keeps listApiKeys as it was: the keys alone", async () => {
    await expect(clientFor(emulator).listApiKeys(ALICE)).resolves.toHaveLength(1);
  });
});
