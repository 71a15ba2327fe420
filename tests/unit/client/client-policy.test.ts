import { adviceFor, unauthorizedReason } from "../../../provider/client/advice";
import { parseAllowlist } from "../../../provider/client/allowlist-client";
import { parseApiKeys } from "../../../provider/client/api-keys-client";
import { normalizeEndpoint } from "../../../provider/client/endpoint";
import { isVultrInvalidResponseError } from "../../../provider/client/errors";
import { keyMatches } from "../../../provider/client/key-match";
import { Pacer } from "../../../provider/client/pacer";
import { parseUser } from "../../../provider/client/parse";
import {
  backoffDelayMs,
  isRetryableStatus,
  nextDelayMs,
  parseRetryAfterMs,
} from "../../../provider/client/retry-policy";
import { resolveSettings } from "../../../provider/engine/settings";

describe("which statuses are retried", () => {
  it("retries 429 for any request: it was turned away before it was handled", () => {
    expect(isRetryableStatus(429, true)).toBe(true);
    expect(isRetryableStatus(429, false)).toBe(true);
  });

  it.each([500, 502, 503, 504])("retries %i only for an idempotent request", (status) => {
    expect(isRetryableStatus(status, true)).toBe(true);
    expect(isRetryableStatus(status, false)).toBe(false);
  });

  it.each([400, 401, 403, 404, 409, 422, 501, 505])("never retries %i", (status) => {
    expect(isRetryableStatus(status, true)).toBe(false);
  });
});

describe("retry timing", () => {
  const options = { retryBaseMs: 100, retryMaxMs: 1000, retryAfterCapMs: 5000 };

  it("draws full jitter under a doubling, capped ceiling", () => {
    expect(backoffDelayMs(1, options, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(200);
    expect(backoffDelayMs(10, options, () => 0.999)).toBe(999);
    expect(backoffDelayMs(2, options, () => 0)).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-27T10:00:00Z");
    expect(parseRetryAfterMs("2", now)).toBe(2000);
    expect(parseRetryAfterMs("Fri, 27 Nov 2026 10:00:03 GMT", now)).toBe(3000);
    expect(parseRetryAfterMs("Fri, 27 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });

  it("honours Retry-After up to the cap", () => {
    expect(nextDelayMs(1, 3000, options, () => 0.5)).toBe(3000);
    expect(nextDelayMs(1, 3_600_000, options, () => 0.5)).toBe(5000);
    expect(nextDelayMs(1, undefined, options, () => 0.5)).toBe(50);
  });
});

describe("Pacer", () => {
  it("lets a small burst through, then spaces requests at the rate", () => {
    const pacer = new Pacer({ ratePerSecond: 20, burst: 5 });
    const waits = Array.from({ length: 8 }, () => pacer.reserve(0));
    expect(waits).toStrictEqual([0, 0, 0, 0, 0, 50, 100, 150]);
  });

  it("never starts more than burst + rate requests in any one-second window", () => {
    const pacer = new Pacer({ ratePerSecond: 20 });
    const starts = Array.from({ length: 200 }, () => pacer.reserve(0));
    const maxInWindow = Math.max(
      ...starts.map((s) => starts.filter((t) => t >= s && t < s + 1000).length),
    );
    expect(maxInWindow).toBeLessThan(30);
  });
});

describe("advice", () => {
  it("names the refused address and the allowlist", () => {
    expect(adviceFor(401, "Unauthorized IP address: 203.0.113.7")).toMatch(
      /refused from 203\.0\.113\.7: add 203\.0\.113\.7\/32 to the API access control list \(IP allowlist\) of the key's user with the account owner's key/,
    );
  });
  it("names the allowlist when the text starts with Unauthorized IP address, address or not", () => {
    expect(adviceFor(401, "Unauthorized IP address: 2001:db8::7")).toMatch(
      /is refused from 2001:db8::7: add 2001:db8::7\/128 to the API access control list \(IP allowlist\) of the key's user with the account owner's key \(in the Vultr console under Account → API, or with `allowedIps` in a run with the owner's key\), or run from an address that list admits/,
    );
    expect(adviceFor(401, "Unauthorized IP address")).toMatch(
      /refused from this machine's address: add this machine's address \(as \/32 or \/128\) to the API access control list/,
    );
    expect(adviceFor(401, "Unauthorized IP address")).not.toMatch(/vultr:apiKey/);
  });
  it("tells an address refusal from a key refusal", () => {
    expect(unauthorizedReason(401, "Unauthorized IP address: 203.0.113.7")).toBe(
      "address not allowed",
    );
    expect(unauthorizedReason(401, "Invalid API token.")).toBe("key not accepted");
    expect(unauthorizedReason(403, "Unauthorized IP address: 203.0.113.7")).toBeUndefined();
  });
  it("points a bad key at both ways to set it", () => {
    expect(adviceFor(401, "Invalid API token.")).toMatch(/vultr:apiKey.*VULTR_API_KEY/);
  });
  it("explains 403 and 404", () => {
    expect(adviceFor(403, "x")).toMatch(/manage_users/);
    expect(adviceFor(404, "Invalid user.")).toMatch(/no longer exists/);
  });
});

describe("endpoint", () => {
  it("refuses plain http to anything but loopback", () => {
    expect(() => normalizeEndpoint("http://api.vultr.com/v2")).toThrow(
      /plain http on a non-loopback/,
    );
    expect(() => normalizeEndpoint("http://10.0.0.1/v2")).toThrow(/plain http/);
    expect(normalizeEndpoint("http://127.0.0.1:8080/v2/")).toBe("http://127.0.0.1:8080/v2");
    expect(normalizeEndpoint("http://[::1]:8080/v2")).toBe("http://[::1]:8080/v2");
    expect(normalizeEndpoint("https://api.vultr.com/v2")).toBe("https://api.vultr.com/v2");
    expect(() => normalizeEndpoint("ftp://x/v2")).toThrow(/https URL/);
    expect(() => normalizeEndpoint("nonsense")).toThrow(/is not a URL/);
  });
});

describe("settings", () => {
  const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

  it("prefers stack config over the environment", () => {
    const settings = resolveSettings(
      config({ "vultr:apiKey": "FROMCONFIG", "vultr:maxRequestsPerSecond": "7" }),
      { VULTR_API_KEY: "FROMENV", VULTR_MAX_RPS: "3", VULTR_API_ENDPOINT: "http://127.0.0.1:1/v2" },
    );
    expect(settings).toMatchObject({
      apiKey: "FROMCONFIG",
      maxRequestsPerSecond: 7,
      endpoint: "http://127.0.0.1:1/v2",
    });
  });

  it("falls back to the environment and defaults", () => {
    const settings = resolveSettings(undefined, { VULTR_API_KEY: "K", VULTR_TIMEOUT_MS: "1500" });
    expect(settings).toMatchObject({
      endpoint: "https://api.vultr.com/v2",
      maxRequestsPerSecond: 20,
      timeoutMs: 1500,
      maxRetries: 4,
    });
  });

  it("names both ways to set a missing key", () => {
    expect(() => resolveSettings(config({}), {})).toThrow(/vultr:apiKey.*VULTR_API_KEY/);
  });

  it("rejects nonsense numbers", () => {
    expect(() => resolveSettings(undefined, { VULTR_API_KEY: "K", VULTR_MAX_RPS: "fast" })).toThrow(
      /VULTR_MAX_RPS must be a positive number/,
    );
  });
});

describe("keyMatches", () => {
  const running = "OWNERKEYSECRET7Q2W3E4R5T6Y7U8I9O0P1A";

  it("matches a masked key whose visible tail ends the running key", () => {
    expect(keyMatches("*******************************O0P1A", running)).toBe(true);
    expect(keyMatches(`${"*".repeat(29)}I9O0P1A`, running)).toBe(true);
  });

  it("does not match another tail", () => {
    expect(keyMatches("*******************************00000", running)).toBe(false);
    expect(keyMatches("*******************************O0P1B", running)).toBe(false);
  });

  it("cannot tell keys apart from fewer than 4 visible characters", () => {
    expect(keyMatches("*********************************P1A", running)).toBe(false);
    expect(keyMatches("************************************", running)).toBe(false);
  });

  it("matches a key listed in clear text only when it is the same key", () => {
    expect(keyMatches(running, running)).toBe(true);
    expect(keyMatches(running.slice(1), running)).toBe(false);
  });
});

describe("2026 answers", () => {
  const context = "Reading";
  const user = {
    id: "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
    email: "a@example.com",
    name: "A B",
    api_enabled: true,
    acls: [],
  };

  it("reads the 2026 user fields when present, and leaves absent ones out", () => {
    expect(
      parseUser(
        {
          ...user,
          first_name: "A",
          last_name: "B",
          status: "suspended",
          service_user: true,
          last_activity: "",
          invited_by: "owner@example.com",
          invited_on: "2026-01-01T00:00:00Z",
          invite_accepted: false,
        },
        context,
      ),
    ).toStrictEqual({
      id: user.id,
      email: user.email,
      name: "A B",
      apiEnabled: true,
      acls: [],
      firstName: "A",
      lastName: "B",
      status: "suspended",
      serviceUser: true,
      lastActivity: "",
      invitedBy: "owner@example.com",
      invitedOn: "2026-01-01T00:00:00Z",
      inviteAccepted: false,
    });
    const plain = parseUser({ ...user, service_user: "yes", status: 3 }, context);
    expect(Object.keys(plain).sort()).toStrictEqual(["acls", "apiEnabled", "email", "id", "name"]);
  });

  it("reads an allowlist in canonical form and refuses what is not one", () => {
    const listed = parseAllowlist(
      {
        ip_whitelist: [
          { subnet: "0.0.0.0", subnet_size: 0, date_added: "2026-01-01T00:00:00Z", ip_type: "v4" },
          { subnet: "2606:4700:0::", subnet_size: 32, ip_type: "v6" },
        ],
        meta: { total: 2 },
      },
      context,
    );
    expect(listed).toStrictEqual([
      { subnet: "0.0.0.0", subnetSize: 0, ipType: "v4" },
      { subnet: "2606:4700::", subnetSize: 32, ipType: "v6" },
    ]);
    const refused = (value: unknown) => {
      try {
        parseAllowlist(value, context);
      } catch (error) {
        expect(isVultrInvalidResponseError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error("expected a refusal");
    };
    expect(refused({ users: [] })).toMatch(/has no ip_whitelist list/);
    expect(
      refused({ ip_whitelist: [{ subnet: "8.8.8.8", subnet_size: "32", ip_type: "v4" }] }),
    ).toMatch(/entry 0 that is not an address and prefix length/);
    expect(
      refused({ ip_whitelist: [{ subnet: "8.8.8.8", subnet_size: 33, ip_type: "v4" }] }),
    ).toMatch(/not an address and prefix length/);
    expect(
      refused({ ip_whitelist: [{ subnet: "8.8.8.8", subnet_size: 32, ip_type: "v6" }] }),
    ).toMatch(/8\.8\.8\.8\/32 with ip_type "v6" instead of "v4"/);
    expect(refused({ ip_whitelist: [], meta: { total: 3 } })).toMatch(
      /lists 0 of 3 allowlist entries/,
    );
  });

  it("reads API keys, with no expiry as null, and masks any key shown in clear text", () => {
    const keys = parseApiKeys(
      {
        api_keys: [
          {
            id: "k1",
            api_key: "*******************************00000",
            name: "ci",
            expire: false,
            date_expire: "",
          },
          {
            id: "k2",
            api_key: "CLEARKEY0000000000000000000000012345",
            name: "x",
            expire: true,
            date_expire: "2027-01-01T00:00:00Z",
          },
        ],
      },
      context,
    );
    expect(keys).toStrictEqual([
      {
        id: "k1",
        maskedKey: "*******************************00000",
        name: "ci",
        expire: false,
        dateExpire: null,
      },
      {
        id: "k2",
        maskedKey: "*******************************12345",
        name: "x",
        expire: true,
        dateExpire: "2027-01-01T00:00:00Z",
      },
    ]);
    expect(() => parseApiKeys({ api_keys: [{ id: "k", api_key: "***12345" }] }, context)).toThrow(
      /expire is not a boolean/,
    );
    expect(() => parseApiKeys({}, context)).toThrow(/has no api_keys list/);
  });
});
