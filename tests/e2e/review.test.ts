/**
 * End to end: `pulumi preview` as the review tool (issue 10), and the API allowlist (issue 11),
 * through the real pulumi CLI, with the packed package and the emulator as the account. What a
 * reviewer must read is asserted where the CLI shows it: on the resource's row, under the
 * resource in Diagnostics, with the urn in `--json`, and as property diffs in `--diff`.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { SeedUser } from "../../emulator";
import { ALICE, CI_BOT } from "../../scripts/demo-account";
import type { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import {
  CliHarness,
  combined,
  diagnosticsOf,
  diffBlocks,
  occurrences,
  resourceRows,
} from "./cli-harness";
import { outputsOf } from "./stack-state";

jest.setTimeout(4 * 60_000);

/** A service user that deploys from known networks only; it may manage users, so it can call the API. */
const DEPLOY_BOT = {
  id: "5d0c8f3e-7a41-4b9e-9f0a-2c6e1b7d4a90",
  email: "deploy-bot@example.com",
  name: "Deploy Bot",
  api_enabled: false,
  service_user: true,
  acls: ["manage_users", "provisioning"],
  api_key: randomBytes(18).toString("hex").toUpperCase(),
} satisfies SeedUser;

const REVIEW_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("ci-bot", { email: "${CI_BOT.email}", apiEnabled: true });
new UserApiAccess("alice", { userId: "${ALICE.id}", apiEnabled: false, onDelete: "disable" });
`;

// One user, declared twice: by email and by id.
const DUPLICATE_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("ci-bot", { email: "${CI_BOT.email}", apiEnabled: true });
new UserApiAccess("ci-bot-by-id", { userId: "${CI_BOT.id}", apiEnabled: true });
`;

const DECLARED_ALLOWLIST = ["8.8.8.0/24", "2606:4700::/32"];

const ALLOWLIST_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("deploy-bot", {
  email: "${DEPLOY_BOT.email}",
  apiEnabled: true,
  allowedIps: ${JSON.stringify(DECLARED_ALLOWLIST)},
});
`;

const ANY_ADDRESS = ["0.0.0.0/0", "::/0"];

const who = (user: { id: string; email: string }) => `${user.email} (${user.id})`;

describeWithPulumiCli("Review in preview, and the API allowlist, with the pulumi CLI", (cli) => {
  let harness: CliHarness;

  beforeAll(async () => {
    harness = await CliHarness.start(cli(), {
      users: [CI_BOT, ALICE, DEPLOY_BOT],
      others: { count: 20, seed: 11 },
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  const patches = () => harness.emulator.requestLog().filter((request) => request.method !== "GET");

  describe("preview says whose access changes, on the resource", () => {
    let review: PulumiStack;

    beforeAll(async () => {
      review = await harness.newStack("review", REVIEW_PROGRAM);
    });

    it("a first preview names each adopted user and the change, on its row and in Diagnostics", async () => {
      harness.emulator.clearRequestLog();

      const preview = combined(await review.run(["preview"]));

      const ciBot = `will adopt Vultr user ${who(CI_BOT)}: api_enabled false → true`;
      const alice = `will adopt Vultr user ${who(ALICE)}: api_enabled true → false`;
      expect(resourceRows(preview, "ci-bot").some((row) => row.endsWith(ciBot))).toBe(true);
      expect(resourceRows(preview, "alice").some((row) => row.endsWith(alice))).toBe(true);
      expect(diagnosticsOf(preview, "ci-bot")).toStrictEqual([ciBot]);
      expect(diagnosticsOf(preview, "alice")).toStrictEqual([alice]);
      expect(patches()).toStrictEqual([]);
    });

    it("a drift preview shows the drift line on the resource's row and under the resource in Diagnostics", async () => {
      await review.run(["up", "--yes", "--skip-preview"]);
      // Both changed in the console: the CI bot (declared by email) and Alice (by id).
      harness.emulator.setUser(CI_BOT.id, { api_enabled: false });
      harness.emulator.setUser(ALICE.id, { api_enabled: true });

      const preview = combined(await review.run(["preview"]));

      const drift = `warning: drift on Vultr user ${who(ALICE)}: api_enabled is true in Vultr, declared false (changed outside Pulumi) — up will set it to false`;
      expect(resourceRows(preview, "alice").some((row) => row.endsWith(drift))).toBe(true);
      expect(diagnosticsOf(preview, "alice")).toStrictEqual([drift]);
      // Not under the stack, where the host's own stdout lands.
      expect(preview.split("\n").filter((line) => line.includes(drift))).toHaveLength(3); // two rows, one diagnostic
      expect(diagnosticsOf(preview, "review-e2e", "pulumi:pulumi:Stack")).toStrictEqual([]);
    });

    it("`preview --json` carries the resource's urn on the drift diagnostic", async () => {
      const preview = await review.run(["preview", "--json"]);

      const { diagnostics } = JSON.parse(preview.stdout) as {
        diagnostics: { urn?: string; message: string; severity: string }[];
      };
      const aboutAlice = diagnostics.filter((d) => d.message.includes(ALICE.id));
      expect(aboutAlice).toHaveLength(1);
      expect(aboutAlice[0]).toMatchObject({ severity: "warning" });
      expect(aboutAlice[0]?.urn).toMatch(/::pulumi-nodejs:dynamic\/vultr:UserApiAccess::alice$/);
      expect(aboutAlice[0]?.message).toContain("drift on Vultr user");
    });

    /** The property diff a reviewer reads for each drifted resource, with no phantom `email`. */
    function expectPropertyDiffs(text: string): void {
      const blocks = diffBlocks(text).filter((block) => block.op === "update");
      const of = (name: string) => blocks.find((block) => block.urn.endsWith(`::${name}`));
      expect(of("alice")?.lines).toContain("~ apiEnabled: true => false");
      expect(of("ci-bot")?.lines).toContain("~ apiEnabled: false => true");
      const changed = blocks.flatMap((block) => block.lines.filter((line) => /^[-+~]/.test(line)));
      expect(changed.filter((line) => /\bemail\b/.test(line))).toStrictEqual([]);
      expect(of("ci-bot")?.lines).toContain(`email     : "${CI_BOT.email}"`);
    }

    it("`preview --diff --refresh` shows the property change, and each drift line once", async () => {
      const preview = combined(await review.run(["preview", "--diff", "--refresh"]));

      expectPropertyDiffs(preview);
      expect(occurrences(preview, `drift on Vultr user ${who(ALICE)}`)).toBe(1);
      expect(occurrences(preview, `drift on Vultr user ${who(CI_BOT)}`)).toBe(1);
    });

    it("after `pulumi refresh`, `preview --diff` shows `apiEnabled: true => false` and no email change", async () => {
      harness.emulator.clearRequestLog();
      await review.run(["refresh", "--yes", "--skip-preview"]);
      const refreshed = await harness.state(review);
      expect(outputsOf(refreshed, "alice")).toMatchObject({ apiEnabled: true });
      expect(patches()).toStrictEqual([]);

      const preview = combined(await review.run(["preview", "--diff"]));

      expectPropertyDiffs(preview);
      expect(occurrences(preview, `drift on Vultr user ${who(ALICE)}`)).toBe(1);
    });

    it("with the engine unreachable from the provider, the drift line still reaches the output", async () => {
      // The engine cannot be made unreachable from outside; the provider host can be started
      // with an engine address nobody listens on: a `pulumi-resource-pulumi-nodejs` first on
      // PATH (the CLI prefers it to the one next to itself) that swaps the last argument.
      const bin = await mkdtemp(path.join(harness.pulumi.rootDir, "dead-engine-"));
      const plugin = path.join(bin, "pulumi-resource-pulumi-nodejs");
      const real = path.join(cli().binDir, "pulumi-resource-pulumi-nodejs");
      await writeFile(plugin, `#!/usr/bin/env bash\nexec "${real}" "\${@:1:$#-1}" 127.0.0.1:1\n`);
      await chmod(plugin, 0o755);
      const env = { PATH: [bin, harness.pulumi.env().PATH ?? ""].join(path.delimiter) };

      const preview = combined(await review.run(["preview"], { env }));

      // The stdout fallback names the resource, since the engine no longer does.
      expect(preview).toContain(
        `warning (alice): drift on Vultr user ${who(ALICE)}: api_enabled is true in Vultr, declared false`,
      );
      expect(diagnosticsOf(preview, "alice")).toStrictEqual([]);
    });
  });

  describe("one user, one resource", () => {
    it("a by-id and a by-email declaration of one user fail check, naming both resources and the user", async () => {
      const duplicate = await harness.newStack("review-duplicate", DUPLICATE_PROGRAM);
      harness.emulator.clearRequestLog();

      const preview = await duplicate.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      const message = combined(preview)
        .split("\n")
        .find((line) => line.includes("is already declared by"));
      expect(message).toContain(`Vultr user ${who(CI_BOT)} is already declared by UserApiAccess`);
      expect(message).toMatch(/UserApiAccess "ci-bot"/);
      expect(message).toMatch(/UserApiAccess "ci-bot-by-id"/);
      expect(patches()).toStrictEqual([]);
    });
  });

  describe("the API allowlist (allowedIps)", () => {
    let allowlist: PulumiStack;
    const entries = () =>
      harness.emulator
        .getAllowlist(DEPLOY_BOT.id)
        .map((entry) => `${entry.subnet}/${entry.subnet_size}`)
        .sort();

    beforeAll(async () => {
      allowlist = await harness.newStack("allowlist", ALLOWLIST_PROGRAM);
    });

    it("up makes the allowlist exactly the declared entries, adding before it removes", async () => {
      expect(entries()).toStrictEqual([...ANY_ADDRESS].sort());
      harness.emulator.clearRequestLog();

      const up = combined(await allowlist.run(["up", "--yes", "--skip-preview"]));

      expect(entries()).toStrictEqual([...DECLARED_ALLOWLIST].sort());
      expect(harness.emulator.getUser(DEPLOY_BOT.id)?.api_enabled).toBe(true);
      const writes = patches().map((request) => request.route);
      expect(writes.filter((w) => w.includes("ip-whitelist"))).toStrictEqual([
        "POST /users/:id/ip-whitelist",
        "POST /users/:id/ip-whitelist",
        "DELETE /users/:id/ip-whitelist",
        "DELETE /users/:id/ip-whitelist",
      ]);
      const audit = diagnosticsOf(up, "deploy-bot");
      const added = audit.findIndex((line) =>
        line.startsWith("added 8.8.8.0/24 to the API allowlist"),
      );
      const removed = audit.findIndex((line) =>
        line.startsWith("removed 0.0.0.0/0 from the API allowlist"),
      );
      expect(added).toBeGreaterThanOrEqual(0);
      expect(removed).toBeGreaterThan(added);
      expect(audit.join("\n")).toContain(`of Vultr user ${who(DEPLOY_BOT)}`);
    });

    it("the emulator lets the bot's key in from an admitted address only", async () => {
      const asBot = () =>
        fetch(`${harness.emulator.baseUrl}/users/${DEPLOY_BOT.id}`, {
          headers: { Authorization: `Bearer ${DEPLOY_BOT.api_key}` },
        });
      try {
        harness.emulator.setClientAddress("8.8.8.8");
        expect((await asBot()).status).toBe(200);
        harness.emulator.setClientAddress("9.9.9.9");
        const refused = await asBot();
        expect(refused.status).toBe(401);
        expect(await refused.text()).toContain("Unauthorized IP address");
      } finally {
        harness.emulator.setClientAddress(undefined);
      }
    });

    it("a change made in the console is drift on the resource, and fails `preview --expect-no-changes`", async () => {
      harness.emulator.setAllowlist(DEPLOY_BOT.id, [
        { subnet: "8.8.8.0", subnet_size: 24 },
        { subnet: "45.76.0.0", subnet_size: 16 },
      ]);
      harness.emulator.clearRequestLog();

      const preview = await allowlist.attempt(["preview", "--expect-no-changes"]);

      expect(preview.code).not.toBe(0);
      const drift = `warning: drift on the API allowlist of Vultr user ${who(DEPLOY_BOT)}: 45.76.0.0/16 appeared, 2606:4700::/32 disappeared (changed outside Pulumi) — up will set it back to 8.8.8.0/24, 2606:4700::/32`;
      expect(diagnosticsOf(combined(preview), "deploy-bot")).toStrictEqual([drift]);
      expect(resourceRows(combined(preview), "deploy-bot").some((row) => row.endsWith(drift))).toBe(true); // prettier-ignore
      expect(patches()).toStrictEqual([]);
    });

    it("up repairs the drift, and refresh then records what Vultr holds without writing", async () => {
      harness.emulator.clearRequestLog();

      await allowlist.run(["up", "--yes", "--skip-preview"]);

      expect(entries()).toStrictEqual([...DECLARED_ALLOWLIST].sort());
      expect(patches().map((r) => `${r.method} ${JSON.stringify(r.body)}`)).toStrictEqual([
        `POST ${JSON.stringify({ subnet: "2606:4700::", subnet_size: 32 })}`,
        `DELETE ${JSON.stringify({ subnet: "45.76.0.0", subnet_size: 16 })}`,
      ]);
      harness.emulator.clearRequestLog();

      await allowlist.run(["refresh", "--yes", "--skip-preview"]);

      expect(patches()).toStrictEqual([]);
      expect(outputsOf(await harness.state(allowlist), "deploy-bot")).toMatchObject({
        allowedIps: ["8.8.8.0/24", "2606:4700::/32"],
        initialAllowedIps: ["0.0.0.0/0", "::/0"],
      });
    });

    it("destroy puts back the allowlist the user had before (the two 'any' entries)", async () => {
      await allowlist.run(["destroy", "--yes", "--skip-preview"]);

      expect(entries()).toStrictEqual([...ANY_ADDRESS].sort());
      expect(harness.emulator.getUser(DEPLOY_BOT.id)?.api_enabled).toBe(false);
    });
  });

  describe("the API keys", () => {
    it("appear in no state file, no CLI output, and no engine or plugin log", async () => {
      expect(await harness.wroteLogs()).toBe(true);
      const leaks = await harness.keyLeaks([harness.emulator.ownerKey, DEPLOY_BOT.api_key]);
      expect(leaks).toStrictEqual({ files: [], outputs: [] });
    });
  });
});
