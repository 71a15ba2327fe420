/**
 * Partial failure with the real `pulumi` CLI: a TypeScript program over 10 users, the emulator
 * run as its own process (200 ms latency), killed (SIGKILL) in the middle of an `up` and started
 * again on the same port with the same seed. The interrupted `up` gives clear errors, the state
 * is sound (`pulumi stack export` parses, no pending operations), and the next `up` converges.
 *
 * Without the CLI this suite fails when CI=true and is skipped, loudly, otherwise.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatedUser } from "../../emulator";
import { freePort, spawnEmulator, type EmulatorProcess } from "../support/emulator-process";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { PulumiProgram, type CommandResult } from "../support/pulumi-program";
import { finishTranscript, Transcript } from "../support/transcript";

const KEY = "CLIPARTIALKEY0123456789ABCDEFGHIJKLM";
const SEED = "4242";
const USERS = 10;
/**
 * Fast, few retries: with the emulator gone, each step gives up within a second. The program is
 * type-checked elsewhere (tests/e2e); here ts-node only transpiles it, to save seconds per run.
 */
const PROVIDER_ENV = {
  VULTR_RETRY_BASE_MS: "50",
  VULTR_MAX_RETRIES: "2",
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
};

const PROGRAM = `import * as fs from "fs";
import * as path from "path";
import { UserApiAccess } from "pulumi-vultr-user-access";

interface Declared { name: string; userId: string; apiEnabled: boolean }
const declared = JSON.parse(
  fs.readFileSync(path.join(__dirname, "declared.json"), "utf8"),
) as Declared[];
for (const user of declared) {
  new UserApiAccess(user.name, { userId: user.userId, apiEnabled: user.apiEnabled });
}
`;

interface StackExport {
  deployment: {
    resources?: { type: string; id?: string; outputs?: Record<string, unknown> }[];
    pending_operations?: unknown[];
  };
}

const transcript = new Transcript("cli-partial");

describeWithPulumiCli(
  "an up interrupted by the API going away, with the real pulumi CLI",
  (cli) => {
    let emulator: EmulatorProcess;
    let program: PulumiProgram;
    let port: number;
    let seeded: EmulatedUser[];
    const record = (result: CommandResult) =>
      transcript.add(result.command, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    const startEmulator = (latencyMs: number): Promise<EmulatorProcess> =>
      spawnEmulator([
        ...["--port", String(port), "--key", KEY, "--users", String(USERS), "--seed", SEED],
        ...["--latency", String(latencyMs)],
      ]).then((started) => {
        transcript.add("emulator started", started.baseUrl);
        return started;
      });

    beforeAll(async () => {
      port = await freePort();
      emulator = await startEmulator(200);
      seeded = await emulator.users();
      program = await PulumiProgram.create(cli(), "faults-cli", PROGRAM, PROVIDER_ENV);
      transcript.track(program.rootDir);
      // Every user declared the other way round: each create adopts and PATCHes.
      const declared = seeded.map((u, i) => ({
        name: `user-${i}`,
        userId: u.id,
        apiEnabled: !u.api_enabled,
      }));
      fs.writeFileSync(path.join(program.programDir, "declared.json"), JSON.stringify(declared));
      record(await program.ok(["stack", "init", "dev", "--non-interactive"]));
      record(await program.ok(["config", "set", "--secret", "vultr:apiKey"], `${KEY}\n`));
      record(await program.ok(["config", "set", "vultr:apiEndpoint", emulator.baseUrl]));
    }, 60_000);

    afterAll(async () => {
      await emulator?.kill("SIGTERM");
      transcript.add("emulator output", emulator?.output() ?? "");
      for (const command of program?.commands ?? []) {
        transcript.add(`${command.command} (history)`, `${command.stdout}\n${command.stderr}`);
      }
      finishTranscript(transcript, {
        "owner key": KEY,
        ...Object.fromEntries((seeded ?? []).map((u) => [u.email, u.api_key])),
      });
      await program?.dispose();
    });

    let firstUp: CommandResult;
    let appliedBeforeKill: number;

    it("the interrupted up fails with clear errors naming each user it could not change", async () => {
      const running = program.run([
        "up",
        "--yes",
        "--skip-preview",
        "--parallel",
        "2",
        "--non-interactive",
      ]);
      // Kill the API once some PATCHes are through and others are still to come.
      for (;;) {
        const requests = await emulator.requests().catch(() => []);
        appliedBeforeKill = requests.filter((r) => r.method === "PATCH" && r.status === 204).length;
        if (appliedBeforeKill >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await emulator.kill("SIGKILL");
      firstUp = await running;
      record(firstUp);
      const output = `${firstUp.stdout}\n${firstUp.stderr}`;
      const errors = output.split("\n").filter((line) => /error: /.test(line));
      transcript.observe({
        section: "partial failure (real CLI)",
        case: "emulator SIGKILLed during up (10 users, --parallel 2)",
        outcome: `exit code ${firstUp.code}; ${appliedBeforeKill} PATCHes applied before the kill`,
        message: errors.join("\n"),
      });
      expect(firstUp.code).not.toBe(0);
      const failedUsers = seeded.filter((u) => output.includes(`on Vultr user ${u.id}: `));
      expect(failedUsers.length).toBeGreaterThan(0);
      expect(failedUsers.length).toBeLessThanOrEqual(USERS - appliedBeforeKill + 2);
      expect(output).toMatch(/the connection to Vultr failed \((ECONNREFUSED|ECONNRESET)/);
    }, 60_000);

    let exported: StackExport;

    it("leaves sound state: the export parses, nothing pending, outputs true to what was applied", async () => {
      const result = await program.ok(["stack", "export"]);
      record(result);
      exported = JSON.parse(result.stdout) as StackExport;
      const resources = (exported.deployment.resources ?? []).filter(
        (r) => r.type === "pulumi-nodejs:dynamic/vultr:UserApiAccess",
      );
      transcript.observe({
        section: "partial failure (real CLI)",
        case: "state after the interrupted up",
        outcome: `${resources.length} UserApiAccess in state; pending_operations: ${JSON.stringify(exported.deployment.pending_operations ?? [])}`,
      });
      expect(exported.deployment.pending_operations ?? []).toStrictEqual([]);
      expect(resources.length).toBeGreaterThanOrEqual(1);
      expect(resources.length).toBeLessThan(USERS);
      for (const resource of resources) {
        const user = seeded.find((u) => u.id === resource.id);
        expect(resource.outputs?.["apiEnabled"]).toBe(
          user === undefined ? "no such user" : !user.api_enabled,
        );
      }
    });

    it("after a restart on the same port, the next up converges and a preview shows no changes", async () => {
      // Same seed, same users; the restarted emulator lost the PATCHes applied before the kill,
      // which the next up must find as drift and repair.
      emulator = await startEmulator(50);
      expect((await emulator.users()).map((u) => u.id)).toStrictEqual(seeded.map((u) => u.id));
      const second = await program.run(["up", "--yes", "--skip-preview", "--non-interactive"]);
      record(second);
      const requests = await emulator.requests();
      transcript.observe({
        section: "partial failure (real CLI)",
        case: "next up after the restart",
        outcome: `exit code ${second.code}; ${requests.filter((r) => r.method === "PATCH").length} PATCHes, ${requests.filter((r) => r.method === "GET").length} reads`,
        message: second.stdout
          .split("\n")
          .filter((l) => /UserApiAccess|created|updated/.test(l))
          .join("\n"),
      });
      expect(second.code).toBe(0);
      for (const user of await emulator.users()) {
        const before = seeded.find((u) => u.id === user.id);
        expect(user.api_enabled).toBe(before === undefined ? "no such user" : !before.api_enabled);
      }
      // Every user needed exactly one PATCH: the account had reverted to the seed.
      expect(requests.filter((r) => r.method === "PATCH" && r.status === 204)).toHaveLength(USERS);
      const preview = await program.run(["preview", "--expect-no-changes", "--non-interactive"]);
      record(preview);
      expect(preview.code).toBe(0);
    }, 60_000);
  },
);
