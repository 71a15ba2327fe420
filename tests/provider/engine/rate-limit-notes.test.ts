/**
 * Issue 16, bug 7 (silent rate limiting) and bug 2 (a wrong endpoint blamed on the user), in the
 * real dynamic-provider host with the engine's Log service faked over gRPC, against the emulator.
 *
 * One host is one provider process, which is one Pulumi command: the rate-limit warning is said
 * at the first 429, and the summary when the engine closes the provider (SIGINT, as CLI 3.274.1
 * does before it kills a plugin).
 */
import { startFakeEngine, type FakeEngine, type ReceivedLog } from "../../support/fake-engine";
import type { ProviderHost } from "../../support/provider-host";
import { hostEnv, ProviderFixture, urnOf } from "../../support/lab";

const WARNING = "Vultr is rate-limiting requests (429); retrying with backoff…";
const SUMMARY =
  /^Vultr rate-limited (\d+) requests? in this run; waited \d+\.\d s in total — if it happens often, lower `vultr:maxRequestsPerSecond` \/ VULTR_MAX_RPS, or keep other tools that use this account's API from running at the same time$/;

let fixture: ProviderFixture;
let engine: FakeEngine;

beforeAll(async () => {
  fixture = await ProviderFixture.start({ users: 3, rateLimitPerSecond: 0 });
});
afterAll(() => fixture.close());
beforeEach(async () => {
  fixture.emulator.clearFaults();
  fixture.emulator.clearRequestLog();
  engine = await startFakeEngine();
});
afterEach(async () => {
  await fixture.closeHosts();
  await engine.close();
});

function about(pattern: RegExp | string): ReceivedLog[] {
  return engine.received.filter((log) =>
    typeof pattern === "string" ? log.message === pattern : pattern.test(log.message),
  );
}

/** Waits (bounded) until the host has exited after a signal, as the engine waits for a plugin. */
async function closedBy(host: ProviderHost, signal: NodeJS.Signals): Promise<void> {
  process.kill(host.pid, signal);
  for (let waited = 0; waited < 5_000; waited += 50) {
    if (!processExists(host.pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the host did not exit within 5 s of ${signal}`);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function failure(step: Promise<unknown>): Promise<string> {
  try {
    await step;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the step to fail");
}

describe("rate limiting is said, not silent (bug 7)", () => {
  it("warns at the first 429, and sums up the 429s when the engine closes the provider", async () => {
    const host = await fixture.startHost({
      engineAddress: engine.address,
      env: hostEnv({ VULTR_MAX_RETRIES: "10" }),
    });
    const [first, second] = fixture.emulator.listUsers();
    // The list read turned away four times, then a PATCH three times.
    fixture.emulator.addFault({ kind: "status", status: 429, path: "/users", times: 4 });
    await fixture.adopt(host, "first", { userId: first!.id, apiEnabled: first!.api_enabled });
    fixture.emulator.addFault({ kind: "status", status: 429, method: "PATCH", times: 3 });
    await fixture.adopt(host, "second", { userId: second!.id, apiEnabled: !second!.api_enabled });

    expect(fixture.emulator.counters().byStatus["429"]).toBe(7);
    expect(about(WARNING)).toStrictEqual([
      { severity: "WARNING", message: WARNING, urn: "", ephemeral: false },
    ]);
    // Nothing summed up yet: the command is still running.
    expect(about(SUMMARY)).toStrictEqual([]);

    await closedBy(host, "SIGINT");

    const summaries = about(SUMMARY);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ severity: "WARNING", urn: "" });
    expect(SUMMARY.exec(summaries[0]!.message)?.[1]).toBe("7");
    expect(about(WARNING)).toHaveLength(1);
  });

  it("sums up once rate limiting has calmed, and not again when the engine closes the provider", async () => {
    const host = await fixture.startHost({ engineAddress: engine.address });
    const [user] = fixture.emulator.listUsers();
    fixture.emulator.addFault({ kind: "status", status: 429, path: "/users", times: 2 });
    await fixture.adopt(host, "calm", { userId: user!.id, apiEnabled: user!.api_enabled });

    // No 429 for 10 s after the last retry: the process says the summary by itself (waited for
    // here with a bound, not timed).
    for (let waited = 0; about(SUMMARY).length === 0 && waited < 30_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(about(SUMMARY).map((log) => SUMMARY.exec(log.message)?.[1])).toStrictEqual(["2"]);

    await closedBy(host, "SIGINT");

    expect(about(SUMMARY)).toHaveLength(1);
    expect(about(WARNING)).toHaveLength(1);
  }, 60_000);

  it("says nothing about rate limits in a process that met none, and exits on SIGINT", async () => {
    const host = await fixture.startHost({ engineAddress: engine.address });
    const [user] = fixture.emulator.listUsers();
    await fixture.adopt(host, "quiet", { userId: user!.id, apiEnabled: user!.api_enabled });

    await closedBy(host, "SIGINT");

    expect(fixture.emulator.counters().byStatus["429"]).toBeUndefined();
    expect(about(/429|rate-limit/)).toStrictEqual([]);
  });

  it("warns once per process when vultr:maxRequestsPerSecond exceeds Vultr's 30/s", async () => {
    const host = await fixture.startHost({
      engineAddress: engine.address,
      config: {
        "vultr:apiKey": fixture.apiKey,
        "vultr:apiEndpoint": fixture.emulator.baseUrl,
        "vultr:maxRequestsPerSecond": "45",
      },
    });
    const [first, second] = fixture.emulator.listUsers();
    await fixture.adopt(host, "one", { userId: first!.id, apiEnabled: first!.api_enabled });
    await fixture.adopt(host, "two", { userId: second!.id, apiEnabled: second!.api_enabled });

    expect(about(/maxRequestsPerSecond is/)).toStrictEqual([
      {
        severity: "WARNING",
        message:
          "vultr:maxRequestsPerSecond is 45, above the 30 requests per second Vultr documents for " +
          "an account: Vultr will answer many requests with 429 and the run will spend its time " +
          "waiting; set it to 30 or less (the default is 20)",
        urn: "",
        ephemeral: false,
      },
    ]);
  });
});

describe("a wrong endpoint is blamed on the endpoint, not the user (bug 2)", () => {
  const origin = () => fixture.emulator.baseUrl.replace(/\/v2$/, "");

  it("fails Check and Diff at once when vultr:apiEndpoint lacks /v2, naming the setting and the fix", async () => {
    const host = await fixture.startHost({
      config: { "vultr:apiKey": fixture.apiKey, "vultr:apiEndpoint": origin() },
    });
    const [user] = fixture.emulator.listUsers();
    const urn = urnOf("wrong-endpoint");
    const news = fixture.news({ userId: user!.id, apiEnabled: true }, "wrong-endpoint");
    const expected =
      `vultr:apiEndpoint is ${JSON.stringify(origin())}, but the Vultr API's base URL must end in ` +
      `/v2: set it to ${origin()}/v2 (\`pulumi config set vultr:apiEndpoint ${origin()}/v2\`), ` +
      "or remove it to use https://api.vultr.com/v2";

    expect(await failure(host.check(urn, {}, news))).toBe(expected);
    const outs = { ...news, userId: user!.id, apiEnabled: true, initialApiEnabled: true };
    expect(await failure(host.diff(user!.id, urn, outs, news))).toBe(expected);
    expect(fixture.emulator.requestLog()).toStrictEqual([]);
  });

  it("names the URL that answered 404 when a base path ending in /v2 is not Vultr's API", async () => {
    const base = `${origin()}/proxy/v2`;
    const host = await fixture.startHost({
      config: { "vultr:apiKey": fixture.apiKey, "vultr:apiEndpoint": base },
    });
    const [user] = fixture.emulator.listUsers();
    const urn = urnOf("elsewhere");
    const news = fixture.news({ userId: user!.id, apiEnabled: true }, "elsewhere");

    const message = await failure(host.check(urn, {}, news));
    expect(message).toContain(`${base}/users answered 404`);
    expect(message).toContain("must end in /v2");
    expect(message).not.toMatch(/no longer exists|pulumi refresh/);
    const outs = { ...news, userId: user!.id, apiEnabled: true, initialApiEnabled: true };
    const diffMessage = await failure(host.diff(user!.id, urn, outs, news));
    expect(diffMessage).toContain(`${base}/users answered 404`);
    expect(diffMessage).not.toMatch(/no longer exists|pulumi refresh/);
  });
});
