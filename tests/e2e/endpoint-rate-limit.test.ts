/**
 * End to end (issue 16): a wrong endpoint is blamed on the endpoint (bug 2), and rate limiting is
 * said rather than silent (bug 7), through the real pulumi CLI with the packed package and the
 * emulator as the account.
 */
import type { SeedUser } from "../../emulator";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { CliHarness, combined, diagnosticsOf, occurrences } from "./cli-harness";

jest.setTimeout(4 * 60_000);

const GRACE = { id: "2a6f0c1e-7b3d-4e5f-9a8b-1c2d3e4f5a6b", email: "grace@example.com", name: "Grace Hopper", api_enabled: true } satisfies SeedUser; // prettier-ignore

const PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("grace", { email: "${GRACE.email}", apiEnabled: true });
`;

const WARNING = "Vultr is rate-limiting requests (429); retrying with backoff…";

describeWithPulumiCli("The endpoint and the rate limit, with the pulumi CLI", (cli) => {
  let harness: CliHarness;

  beforeAll(async () => {
    harness = await CliHarness.start(cli(), { users: [GRACE], others: { count: 12, seed: 16 } });
  }, 10 * 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  it("preview fails on an endpoint without /v2, naming the setting and the fix, not refresh", async () => {
    const stack = await harness.newStack("no-v2", PROGRAM);
    const origin = harness.emulator.baseUrl.replace(/\/v2$/, "");
    await stack.setConfig("vultr:apiEndpoint", origin);
    harness.emulator.clearRequestLog();

    const preview = await stack.attempt(["preview"]);

    expect(preview.code).not.toBe(0);
    const output = combined(preview);
    expect(output).toContain(
      `vultr:apiEndpoint is ${JSON.stringify(origin)}, but the Vultr API's base URL must end in ` +
        `/v2: set it to ${origin}/v2 (\`pulumi config set vultr:apiEndpoint ${origin}/v2\`)`,
    );
    expect(output).not.toContain("pulumi refresh");
    expect(output).not.toContain("no longer exists");
    expect(harness.emulator.requestLog()).toStrictEqual([]);
  });

  it("up says when Vultr rate-limits, and sums it up once at the end of the command", async () => {
    const stack = await harness.newStack("limited", PROGRAM);
    harness.emulator.clearRequestLog();
    // The list read turned away three times: the update half of the up reads it once.
    harness.emulator.addFault({ kind: "status", status: 429, path: "/users", times: 3 });

    const up = await stack.run(["up", "--yes", "--skip-preview"]);

    const output = combined(up);
    expect(harness.emulator.counters().byStatus["429"]).toBe(3);
    expect(harness.emulator.getUser(GRACE.id)?.api_enabled).toBe(true);
    const stackDiagnostics = diagnosticsOf(output, "limited-e2e", "pulumi:pulumi:Stack");
    expect(stackDiagnostics).toContain(`warning: ${WARNING}`);
    expect(
      stackDiagnostics.filter((line) => line.startsWith("warning: Vultr rate-limited")),
    ).toStrictEqual([
      expect.stringMatching(
        /^warning: Vultr rate-limited 3 requests in this run; waited \d+\.\d s in total — /,
      ),
    ]);
    // Once in Diagnostics, once on the Stack's progress row.
    expect(stackDiagnostics.filter((line) => line === `warning: ${WARNING}`)).toHaveLength(1);
    expect(occurrences(output, WARNING)).toBe(2);
  });
});
