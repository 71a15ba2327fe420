import { adviceFor } from "../../provider/client/advice";
import { normalizeEndpoint } from "../../provider/client/endpoint";
import { Pacer } from "../../provider/client/pacer";
import { backoffDelayMs, nextDelayMs, parseRetryAfterMs } from "../../provider/client/retry-policy";
import { resolveSettings } from "../../provider/settings";

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
      /203\.0\.113\.7.*API access control list \(IP allowlist\)/,
    );
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
