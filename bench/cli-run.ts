/**
 * `--cli`: the same budget through the real engine. A scratch JavaScript program declares k
 * UserApiAccess resources over an account of T users; the real pulumi CLI (local file backend,
 * offline) previews, updates, refreshes and destroys it, and the emulator counts the requests of
 * each command.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator";
import {
  ensurePulumiCli,
  LocalPulumi,
  PulumiCommandError,
  type PulumiCli,
} from "../scripts/pulumi-cli";
import { chooseDeclared, chooseDrifted, injectDrift, patchesForUp, seedAccount } from "./fleet";
import { tallyRequests } from "./measure";
import { readBudget, type CliOperation, type CliRun } from "./results";

export interface CliRunOptions {
  root: string;
  emulator: RunningEmulator;
  k: number;
  users: number;
  onOperation?: (line: string) => void;
}

const PROGRAM = `// Written by bench/cli-run.ts: k UserApiAccess resources, each declaring its user as it is.
const { UserApiAccess } = require("pulumi-vultr-user-access");
const fleet = require("./fleet.json");
fleet.forEach((user, index) => {
  new UserApiAccess("user-" + String(index).padStart(5, "0"), {
    userId: user.userId,
    apiEnabled: user.apiEnabled,
  });
});
`;

interface Scratch {
  pulumi: LocalPulumi;
  /** The program directory, where every command runs. */
  dir: string;
}

export async function runCli(options: CliRunOptions): Promise<CliRun> {
  const { emulator, k, users } = options;
  const lookup = ensurePulumiCli(options.root, "capture");
  if (!lookup.found) throw new Error(lookup.reason);
  const declared = chooseDeclared(seedAccount(emulator, users), k);
  const fleet = declared.map((user) => ({ userId: user.id, apiEnabled: user.api_enabled }));
  const scratch = await prepareScratch(options.root, lookup.cli, fleet);
  const budget = readBudget(k, users);
  const program = fleet.map((f, i) => ({
    urn: String(i),
    inputs: { userId: f.userId, apiEnabled: f.apiEnabled },
  }));
  const operations: CliOperation[] = [];
  /** `passes`: engine passes of the command, each with its own provider process and reads. */
  const measure = async (args: string[], expectedPatches: number, passes = 1): Promise<void> => {
    await quietSecond();
    emulator.clearRequestLog();
    const started = performance.now();
    await pulumiCommand(scratch, args);
    const op: CliOperation = {
      command: `pulumi ${args.join(" ")}`,
      requests: tallyRequests(emulator),
      wallMs: performance.now() - started,
      budget: passes * budget + expectedPatches,
      expectedPatches,
      enginePasses: passes,
    };
    operations.push(op);
    options.onOperation?.(
      `cli k=${k} ${op.command}: ${op.requests.total} requests (${op.requests.patches} PATCH, ` +
        `${op.requests.rateLimited} × 429), budget ${op.budget}, ${(op.wallMs / 1000).toFixed(1)} s`,
    );
  };

  try {
    await pulumiCommand(scratch, ["stack", "init", "bench"]);
    await pulumiCommand(scratch, ["config", "set", "--secret", "vultr:apiKey"], emulator.ownerKey);
    await pulumiCommand(scratch, ["config", "set", "vultr:apiEndpoint", emulator.baseUrl]);

    await measure(["up", "--yes", "--skip-preview"], patchesForUp(emulator, program));
    const providerBytes = await providerBytesInState(scratch);
    await measure(["preview", "--expect-no-changes"], 0);
    await measure(["up", "--yes", "--skip-preview"], 0);
    // Without --skip-preview, up previews first: two engine passes, two provider processes.
    await measure(["up", "--yes"], 0, 2);
    injectDrift(emulator, chooseDrifted(declared));
    const drifted = patchesForUp(emulator, program);
    await measure(["preview"], 0);
    await measure(["up", "--yes", "--skip-preview"], drifted);
    await measure(["refresh", "--yes", "--skip-preview"], 0);
    await measure(["destroy", "--yes", "--skip-preview"], 0);
    return {
      k,
      users,
      pulumiVersion: (await pulumiCommand(scratch, ["version"])).trim(),
      operations,
      providerBytes,
    };
  } finally {
    await scratch.pulumi.dispose();
  }
}

/**
 * A program directory as a user would have it, with the package and @pulumi/pulumi linked from
 * this repository (one copy of @pulumi/pulumi for the program and the SDK).
 */
async function prepareScratch(
  root: string,
  cli: PulumiCli,
  fleet: readonly { userId: string; apiEnabled: boolean }[],
): Promise<Scratch> {
  // Offline, private, and without the machine's VULTR_* settings (see LocalPulumi).
  const pulumi = await LocalPulumi.create(cli);
  const programDir = path.join(pulumi.rootDir, "program");
  const modules = path.join(programDir, "node_modules");
  await mkdir(path.join(modules, "@pulumi"), { recursive: true });
  await symlink(root, path.join(modules, "pulumi-vultr-user-access"), "dir");
  await symlink(
    path.join(root, "node_modules", "@pulumi", "pulumi"),
    path.join(modules, "@pulumi", "pulumi"),
    "dir",
  );
  await writeFile(
    path.join(programDir, "Pulumi.yaml"),
    "name: vultr-bench\nruntime: nodejs\ndescription: written by bench/cli-run.ts\n",
  );
  await writeFile(
    path.join(programDir, "package.json"),
    `${JSON.stringify({ name: "vultr-bench", private: true, main: "index.js" }, null, 2)}\n`,
  );
  await writeFile(path.join(programDir, "index.js"), PROGRAM);
  await writeFile(path.join(programDir, "fleet.json"), JSON.stringify(fleet));
  return { pulumi, dir: programDir };
}

async function pulumiCommand(scratch: Scratch, args: string[], stdin?: string): Promise<string> {
  const result = await scratch.pulumi.run([...args, "--non-interactive"], {
    cwd: scratch.dir,
    ...(stdin === undefined ? {} : { stdin }),
  });
  if (result.code !== 0) throw new PulumiCommandError(result);
  return result.stdout;
}

/** The length of the `__provider` text the engine stored with the first resource. */
async function providerBytesInState(scratch: Scratch): Promise<number | undefined> {
  const exported = JSON.parse(await pulumiCommand(scratch, ["stack", "export"])) as {
    deployment?: { resources?: { type?: string; outputs?: Record<string, unknown> }[] };
  };
  const resource = exported.deployment?.resources?.find((r) => r.type?.endsWith("UserApiAccess"));
  const text = resource?.outputs?.["__provider"];
  return typeof text === "string" ? Buffer.byteLength(text, "utf8") : undefined;
}

/** Lets the emulator's one-second window empty between commands. */
async function quietSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_050));
}
