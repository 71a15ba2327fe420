/**
 * Issue 16: the endpoint's shape is checked where it is read (bug 2), and a rate above Vultr's
 * documented 30 requests per second is warned about (bug 7).
 */
import { adviceFor } from "../../../provider/client/advice";
import { isVultrUsageError } from "../../../provider/client/errors";
import { resolveSettings, VULTR_DOCUMENTED_RPS } from "../../../provider/engine/settings";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(isVultrUsageError(error)).toBe(true);
    return error as Error;
  }
  throw new Error("expected the settings to be refused");
}

describe("the API endpoint's shape", () => {
  it.each([
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/v2"],
    ["https://api.vultr.com/", "https://api.vultr.com/v2"],
    ["https://api.vultr.com/v1", "https://api.vultr.com/v2"],
    ["https://proxy.example.com/vultr", "https://proxy.example.com/vultr/v2"],
    ["https://api.vultr.com/v2/users", "https://api.vultr.com/v2"],
  ])("refuses vultr:apiEndpoint %s before any request, naming the fix", (value, fix) => {
    const error = refusal(() =>
      resolveSettings(config({ "vultr:apiKey": "K", "vultr:apiEndpoint": value }), {}),
    );
    expect(error.message).toBe(
      `vultr:apiEndpoint is ${JSON.stringify(value)}, but the Vultr API's base URL must end in ` +
        `/v2: set it to ${fix} (\`pulumi config set vultr:apiEndpoint ${fix}\`), or remove it ` +
        "to use https://api.vultr.com/v2",
    );
  });

  it("names VULTR_API_ENDPOINT when the value came from the environment", () => {
    const error = refusal(() =>
      resolveSettings(undefined, { VULTR_API_KEY: "K", VULTR_API_ENDPOINT: "http://[::1]:9/" }),
    );
    expect(error.message).toBe(
      'VULTR_API_ENDPOINT is "http://[::1]:9/", but the Vultr API\'s base URL must end in /v2: ' +
        "set it to http://[::1]:9/v2, or unset it to use https://api.vultr.com/v2",
    );
  });

  it("never quotes credentials or a query from the value", () => {
    const error = refusal(() =>
      resolveSettings(
        config({
          "vultr:apiKey": "K",
          "vultr:apiEndpoint": "https://api.vultr.com/x?token=SECRETTOKEN",
        }),
        {},
      ),
    );
    expect(error.message).not.toContain("SECRETTOKEN");
    expect(error.message).toContain('"https://api.vultr.com/x"');
  });

  it.each(["https://api.vultr.com/v2", "https://api.vultr.com/v2/", "http://127.0.0.1:1/a/v2"])(
    "accepts %s",
    (value) => {
      const settings = resolveSettings(undefined, {
        VULTR_API_KEY: "K",
        VULTR_API_ENDPOINT: value,
      });
      expect(settings.endpoint).toBe(value);
    },
  );

  it("leaves a value that is no URL to the client's own message", () => {
    const settings = resolveSettings(config({ "vultr:apiKey": "K", "vultr:apiEndpoint": "x" }), {});
    expect(settings.endpoint).toBe("x");
  });
});

describe("the rate above Vultr's documented limit", () => {
  it("is 30 requests per second", () => {
    expect(VULTR_DOCUMENTED_RPS).toBe(30);
  });

  it("warns about vultr:maxRequestsPerSecond above 30, naming the setting", () => {
    const settings = resolveSettings(
      config({ "vultr:apiKey": "K", "vultr:maxRequestsPerSecond": "50" }),
      {},
    );
    expect(settings.warnings).toStrictEqual([
      "vultr:maxRequestsPerSecond is 50, above the 30 requests per second Vultr documents for " +
        "an account: Vultr will answer many requests with 429 and the run will spend its time " +
        "waiting; set it to 30 or less (the default is 20)",
    ]);
  });

  it("warns about VULTR_MAX_RPS too, and not about 30 or less", () => {
    expect(
      resolveSettings(undefined, { VULTR_API_KEY: "K", VULTR_MAX_RPS: "31" }).warnings,
    ).toEqual([expect.stringMatching(/^VULTR_MAX_RPS is 31, above the 30 requests per second/)]);
    expect(
      resolveSettings(undefined, { VULTR_API_KEY: "K", VULTR_MAX_RPS: "30" }).warnings,
    ).toEqual([]);
  });
});

describe("404 advice", () => {
  it("blames the endpoint for a 404 on the users list, and the user on the user's path", () => {
    const list = { path: "/users", url: "https://example.com/users" };
    expect(adviceFor(404, "Not found.", list)).toMatch(
      /^https:\/\/example\.com\/users answered 404, .*must end in \/v2/,
    );
    const user = { path: "/users/abc", url: "https://example.com/v2/users/abc" };
    expect(adviceFor(404, "Invalid user.", user)).toMatch(/no longer exists/);
    const allowlist = {
      path: "/users/abc/ip-whitelist",
      url: "https://x/v2/users/abc/ip-whitelist",
    };
    expect(adviceFor(404, "Invalid user.", allowlist)).toMatch(/no longer exists/);
  });
});
