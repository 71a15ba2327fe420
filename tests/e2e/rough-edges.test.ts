/**
 * End to end: issue 16's provider-side rough edges where users met them, through the real pulumi
 * CLI: forecasts said once per `up`, a failure shown once (on its resource, no trailing colon),
 * a declared allowlist change as INFO, allowlist failures that read cleanly, and a stack whose
 * state the 0.1 release wrote (no `__urn`, no `__inputs`).
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { SeedUser } from "../../emulator";
import type { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { CliHarness, combined, diagnosticsOf, occurrences } from "./cli-harness";
import { accessResources, ACCESS_TYPE } from "./stack-state";

jest.setTimeout(4 * 60_000);

const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
const STACK_TYPE = "pulumi:pulumi:Stack";

const user = (id: string, name: string, apiEnabled: boolean): SeedUser => ({
  id: `${id}-5b8e-4c21-8d3f-6a1e2b3c4d5e`,
  email: `${name}@example.com`,
  name,
  api_enabled: apiEnabled,
});
const ALPHA = user("a1a1a1a1", "alpha", false);
const BETA = user("b2b2b2b2", "beta", true);
const GAMMA = user("c3c3c3c3", "gamma", true);
const who = (u: SeedUser) => `${u.email} (${u.id})`;

function program(allowedIps?: string[]): string {
  const list = allowedIps === undefined ? "" : `, allowedIps: ${JSON.stringify(allowedIps)}`;
  return `
import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("alpha", { email: "${ALPHA.email}", apiEnabled: true${list} });
new ApiAccessPolicy("policy", { allowed: ["${ALPHA.email}", "${GAMMA.email}"], maxDisabled: 5 });
`;
}

const LIST_FAILURE =
  'Listing Vultr users: Vultr answered 400 "Bad Request" (GET /users) — Vultr refused the request ' +
  "(its text above says why); if it does not explain the refusal, this may be a bug in the provider: please report it";

describeWithPulumiCli("Rough edges with the pulumi CLI", (cli) => {
  let harness: CliHarness;
  let stack: PulumiStack;
  const stackRow = "rough-e2e";

  beforeAll(async () => {
    harness = await CliHarness.start(cli(), {
      users: [ALPHA, BETA, GAMMA],
      others: { count: 0, seed: 1 },
    });
    stack = await harness.newStack("rough", program());
  }, 10 * 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  it("`up` says each forecast once, in its preview; the update half says what it wrote", async () => {
    const up = combined(await stack.run(["up", "--yes"]));

    const [preview = "", update = ""] = up.split("\nUpdating (e2e):");
    expect(diagnosticsOf(preview, "alpha")).toStrictEqual([
      `will adopt Vultr user ${who(ALPHA)}: api_enabled false → true`,
    ]);
    expect(diagnosticsOf(preview, "policy", POLICY_TYPE)).toStrictEqual([
      `warning: would disable API access of ${who(BETA)}: not allowed by the policy`,
    ]);
    expect(diagnosticsOf(update, "alpha")).toStrictEqual([
      `adopted: set api_enabled to true on Vultr user ${who(ALPHA)} (was false)`,
    ]);
    expect(diagnosticsOf(update, "policy", POLICY_TYPE)).toStrictEqual([
      `disabled API access of ${who(BETA)} (not allowed by ApiAccessPolicy "policy")`,
    ]);
    expect(occurrences(update, "will adopt")).toBe(0);
    expect(occurrences(update, "would disable")).toBe(0);
  });

  it("adding allowedIps to the resource is a declared change: INFO, not a warning", async () => {
    await harness.rewriteProgram(stack, program(["8.8.8.0/24"]));

    const preview = combined(await stack.run(["preview"]));

    expect(diagnosticsOf(preview, "alpha")).toStrictEqual([
      `the API allowlist of Vultr user ${who(ALPHA)} will change: add 8.8.8.0/24; remove 0.0.0.0/0, ::/0`,
    ]);
  });

  it("a bad allowedIps entry fails on the resource, naming the entry, with public examples", async () => {
    await harness.rewriteProgram(stack, program(["8.8.8.8", "nonsense"]));

    const preview = combined(await stack.attempt(["preview"]));

    expect(diagnosticsOf(preview, "alpha")).toStrictEqual([
      `error: ${ACCESS_TYPE} resource 'alpha' has a problem: allowedIps[1] "nonsense" is not an IP address ` +
        "or CIDR range (expected e.g. 8.8.8.8, 45.76.0.0/16 or 2606:4700::/32)",
    ]);
  });

  it("a failed step shows its error once, on its resource, without a trailing colon", async () => {
    await harness.rewriteProgram(stack, program());
    harness.emulator.addFault({ method: "GET", path: "/users*", kind: "status", status: 400, persistent: true }); // prettier-ignore
    try {
      const preview = await stack.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      const text = combined(preview);
      // The engine stops at the first failed check; which of the two resources registers first
      // depends on when their promised inputs resolve, so the error is on either, once.
      const onResources = [
        ...diagnosticsOf(text, "alpha"),
        ...diagnosticsOf(text, "policy", POLICY_TYPE),
      ];
      expect(onResources).toStrictEqual([`error: ${LIST_FAILURE}`]);
      expect(occurrences(text, LIST_FAILURE)).toBeLessThanOrEqual(2); // its row and Diagnostics
      expect(diagnosticsOf(text, stackRow, STACK_TYPE)).toStrictEqual([]);
      expect(text.split("\n").filter((line) => /:\s*$/.test(line) && line.includes("Vultr"))).toStrictEqual([]); // prettier-ignore
    } finally {
      harness.emulator.clearFaults();
    }
  });

  describe("a stack the 0.1 release wrote (no __urn, no __inputs)", () => {
    const alphaOf = async () => {
      const resource = accessResources(await harness.state(stack)).get("alpha");
      if (resource === undefined) throw new Error("alpha is not in the state");
      return resource;
    };

    beforeAll(async () => {
      // 0.1 stored neither the URN nor the declaration: remove them, as that state would be.
      const exported = (await stack.exportState()) as {
        deployment: { resources: { type: string; inputs?: object; outputs?: object }[] };
      };
      for (const resource of exported.deployment.resources) {
        if (resource.type !== ACCESS_TYPE) continue;
        const inputs = { ...(resource.inputs as Record<string, unknown>) };
        const outputs = { ...(resource.outputs as Record<string, unknown>) };
        delete inputs["__urn"];
        delete outputs["__urn"];
        delete outputs["__inputs"];
        resource.inputs = inputs;
        resource.outputs = outputs;
      }
      const file = path.join(stack.projectDir, "phase-1-state.json");
      await writeFile(file, JSON.stringify(exported));
      await stack.run(["stack", "import", "--file", file]);
      expect((await alphaOf()).outputs).not.toHaveProperty("__urn");
    });

    it("refresh keeps the declared email in the stored inputs", async () => {
      await stack.run(["refresh", "--yes", "--skip-preview"]);

      const alpha = await alphaOf();
      expect(alpha.inputs).toMatchObject({ email: ALPHA.email, apiEnabled: true });
    });

    it("preview says the first up records the resource; after it, destroy reports on the resource", async () => {
      const preview = combined(await stack.run(["preview"]));
      expect(diagnosticsOf(preview, "alpha")).toStrictEqual([
        "state written by an earlier release of pulumi-vultr-user-access: up will record this resource's URN " +
          "and declaration (nothing changes in Vultr), so that refresh shows drift as a property change and destroy reports on this resource",
      ]);
      harness.emulator.clearRequestLog();

      await stack.run(["up", "--yes", "--skip-preview"]);
      expect(harness.emulator.requestLog().filter((r) => r.method !== "GET")).toStrictEqual([]);
      expect((await alphaOf()).outputs).toMatchObject({ __inputs: { email: ALPHA.email } });

      const destroy = combined(await stack.run(["destroy", "--yes", "--skip-preview"]));
      expect(diagnosticsOf(destroy, "alpha")).toStrictEqual([
        `removed (onDelete "restore"): set api_enabled to false on Vultr user ${who(ALPHA)} (was true)`,
      ]);
      expect(diagnosticsOf(destroy, stackRow, STACK_TYPE)).toStrictEqual([]);
    });
  });
});
