import { formatEntry } from "../../provider/allowlist";
import {
  isVultrApiError,
  isVultrInvalidResponseError,
  isVultrUsageError,
} from "../../provider/client/errors";
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

const MISSING = "11111111-2222-4333-8444-555555555555";
const whitelist = (id: string) => `/users/${id}/ip-whitelist`;
const google = { subnet: "8.8.8.0", subnetSize: 24 };

/** The user's allowlist as the emulator holds it, as canonical texts. */
function held(userId: string): string[] {
  return emulator.getAllowlist(userId).map((e) => `${e.subnet}/${e.subnet_size}`);
}

describe("listAllowlist", () => {
  it("lists a new user's two defaults, any IPv4 and any IPv6", async () => {
    const entries = await clientFor(emulator).listAllowlist(ALICE);

    expect(entries).toStrictEqual([
      { subnet: "0.0.0.0", subnetSize: 0, ipType: "v4" },
      { subnet: "::", subnetSize: 0, ipType: "v6" },
    ]);
    expect(requestLines(emulator)).toStrictEqual([`GET ${whitelist(ALICE)}`]);
  });

  it("lists entries put there behind the API's back, in canonical form", async () => {
    emulator.setAllowlist(ALICE, [
      { subnet: "2606:4700:0:0::", subnet_size: 32 },
      { subnet: "1.1.1.1", subnet_size: 32 },
    ]);

    const entries = await clientFor(emulator).listAllowlist(ALICE);

    expect(entries.map(formatEntry).sort()).toStrictEqual(["1.1.1.1/32", "2606:4700::/32"]);
  });

  it("names the user when the user does not exist", async () => {
    const error = await failureOf(clientFor(emulator).listAllowlist(MISSING));

    expect(error).toMatchObject({ status: 404, vultrMessage: "Invalid user.", attempts: 1 });
    expect(error.message).toContain(`Reading the API allowlist of Vultr user ${MISSING}`);
    expect(error.message).toMatch(/no longer exists/);
  });

  it("refuses an answer that is not an allowlist", async () => {
    emulator.addFault({
      kind: "status",
      status: 200,
      path: whitelist(ALICE),
      body: { ip_whitelist: [{ subnet: "8.8.8.8", subnet_size: "32", ip_type: "v4" }] },
    });

    const error = await failureOf(clientFor(emulator).listAllowlist(ALICE));

    expect(isVultrInvalidResponseError(error)).toBe(true);
    expect(error.message).toContain(`Reading the API allowlist of Vultr user ${ALICE}`);
    expect(error.message).toContain("not an address and prefix length");
  });

  it("retries a 500 and then lists", async () => {
    emulator.addFault({ kind: "status", status: 500, path: whitelist(ALICE) });

    await expect(clientFor(emulator).listAllowlist(ALICE)).resolves.toHaveLength(2);
    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([500, 200]);
  });

  it("refuses an id that is not a user id without a request", async () => {
    const error = await failureOf(clientFor(emulator).listAllowlist("../account"));

    expect(isVultrUsageError(error)).toBe(true);
    expect(requestLines(emulator)).toStrictEqual([]);
  });
});

describe("addAllowlistEntry", () => {
  it("POSTs the subnet and its size as Vultr's JSON body", async () => {
    await clientFor(emulator).addAllowlistEntry(ALICE, google);

    const [post] = emulator.requestLog();
    expect(requestLines(emulator)).toStrictEqual([`POST ${whitelist(ALICE)}`]);
    expect(post).toMatchObject({ status: 204, body: { subnet: "8.8.8.0", subnet_size: 24 } });
    expect(held(ALICE)).toContain("8.8.8.0/24");
  });

  it("adds an entry the user already has without an error", async () => {
    const client = clientFor(emulator);
    await client.addAllowlistEntry(ALICE, google);
    await client.addAllowlistEntry(ALICE, google);

    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([204, 204]);
    expect(held(ALICE).filter((text) => text === "8.8.8.0/24")).toHaveLength(1);
  });

  it("retries a 500: adding twice is harmless", async () => {
    emulator.addFault({ kind: "status", status: 500, method: "POST" });

    await clientFor(emulator).addAllowlistEntry(ALICE, google);

    expect(requestLines(emulator)).toStrictEqual([
      `POST ${whitelist(ALICE)}`,
      `POST ${whitelist(ALICE)}`,
    ]);
    expect(held(ALICE)).toContain("8.8.8.0/24");
  });

  it("fails at once on a 400, with Vultr's reason, the entry and the user", async () => {
    const error = await failureOf(
      clientFor(emulator).addAllowlistEntry(ALICE, { subnet: "10.0.0.0", subnetSize: 8 }),
    );

    expect(isVultrApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, method: "POST", attempts: 1, userId: ALICE });
    const vultrText = isVultrApiError(error) ? error.vultrMessage : "";
    expect(vultrText).toMatch(/10\.0\.0\.0\/8/);
    expect(error.message).toContain(
      `Adding 10.0.0.0/8 to the API allowlist of Vultr user ${ALICE}: Vultr answered 400 ${JSON.stringify(vultrText)}`,
    );
    expect(requestLines(emulator)).toHaveLength(1);
    expect(held(ALICE)).not.toContain("10.0.0.0/8");
  });

  it("names the missing user on a 404", async () => {
    const error = await failureOf(clientFor(emulator).addAllowlistEntry(MISSING, google));

    expect(error).toMatchObject({ status: 404, vultrMessage: "Invalid user.", attempts: 1 });
    expect(error.message).toContain(`of Vultr user ${MISSING}`);
  });

  it("says a key without manage_users needs it, and never quotes the key", async () => {
    const error = await failureOf(
      clientFor(emulator, { apiKey: CAROL_KEY }).addAllowlistEntry(ALICE, google),
    );

    expect(error).toMatchObject({ status: 403, attempts: 1 });
    expect(error.message).toMatch(/manage_users/);
    expect(error.message).not.toContain(CAROL_KEY);
    expect(held(ALICE)).not.toContain("8.8.8.0/24");
  });
});

describe("removeAllowlistEntry", () => {
  it("sends DELETE with the entry as a JSON body and resolves removed", async () => {
    const result = await clientFor(emulator).removeAllowlistEntry(ALICE, {
      subnet: "0.0.0.0",
      subnetSize: 0,
    });

    expect(result).toBe("removed");
    const [request] = emulator.requestLog();
    expect(requestLines(emulator)).toStrictEqual([`DELETE ${whitelist(ALICE)}`]);
    expect(request).toMatchObject({ status: 204, body: { subnet: "0.0.0.0", subnet_size: 0 } });
    expect(held(ALICE)).toStrictEqual(["::/0"]);
  });

  it("resolves absent for an entry the user does not have, without retrying", async () => {
    const result = await clientFor(emulator).removeAllowlistEntry(ALICE, google);

    expect(result).toBe("absent");
    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([404]);
    expect(held(ALICE)).toStrictEqual(["0.0.0.0/0", "::/0"]);
  });

  it("resolves absent when a retried DELETE finds the entry already gone", async () => {
    // The first DELETE removed the entry but its answer was lost: the client sees a 502, and
    // the entry is gone when it asks again.
    emulator.addFault({ kind: "status", status: 502, method: "DELETE" });

    const result = await clientFor(emulator).removeAllowlistEntry(ALICE, google);

    expect(result).toBe("absent");
    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([502, 404]);
  });

  it("still fails when the user does not exist", async () => {
    const error = await failureOf(clientFor(emulator).removeAllowlistEntry(MISSING, google));

    expect(error).toMatchObject({ status: 404, vultrMessage: "Invalid user." });
    expect(error.message).toContain(
      `Removing 8.8.8.0/24 from the API allowlist of Vultr user ${MISSING}`,
    );
  });

  it("fails on a 403 for a key without manage_users", async () => {
    const error = await failureOf(
      clientFor(emulator, { apiKey: CAROL_KEY }).removeAllowlistEntry(CAROL, google),
    );

    expect(error).toMatchObject({ status: 403, attempts: 1 });
    expect(error.message).toMatch(/manage_users/);
  });

  it("retries a 500 and then removes", async () => {
    emulator.addFault({ kind: "status", status: 500, method: "DELETE" });

    const result = await clientFor(emulator).removeAllowlistEntry(ALICE, {
      subnet: "::",
      subnetSize: 0,
    });

    expect(result).toBe("removed");
    expect(emulator.requestLog().map((e) => e.status)).toStrictEqual([500, 204]);
    expect(held(ALICE)).toStrictEqual(["0.0.0.0/0"]);
  });

  it("never quotes the key, even when an answer echoes it", async () => {
    emulator.addFault({
      kind: "status",
      status: 400,
      method: "DELETE",
      body: { error: `Bad request from Bearer ${OWNER_KEY}`, status: 400 },
    });

    const error = await failureOf(clientFor(emulator).removeAllowlistEntry(ALICE, google));

    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain(OWNER_KEY);
    expect(error.stack ?? "").not.toContain(OWNER_KEY);
  });
});
