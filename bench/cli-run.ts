/**
 * `--cli`: the same budget through the real engine. A scratch JavaScript program declares k
 * UserApiAccess resources over an account of T users; the real pulumi CLI (local file backend,
 * offline) previews, updates, refreshes and destroys it, and the emulator counts the requests of
 * each command.
 */
import { spawn } from "node:child_process";
import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { RunningEmulator } from "../emulator";
import { chooseDeclared, chooseDrifted, injectDrift, patchesForUp, seedAccount } from "./fleet";
import { tallyRequests } from "./measure";
import { readBudget, type CliOperation, type CliRun } from "./results";
import { hostEnvironment } from "./scenarios";

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
  /** The temporary directory: program, state backend and PULUMI_HOME. */
  root: string;
  /** The program directory, where every command runs. */
  dir: string;
  env: NodeJS.ProcessEnv;
  pulumi: string;
}

export async function runCli(options: CliRunOptions): Promise<CliRun> {
  const { emulator, k, users } = options;
  const pulumi = await findPulumi(options.root);
  const declared = chooseDeclared(seedAccount(emulator, users), k);
  const fleet = declared.map((user) => ({ userId: user.id, apiEnabled: user.api_enabled }));
  const scratch = await prepareScratch(options.root, pulumi, fleet);
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
    await rm(scratch.root, { recursive: true, force: true });
  }
}

/** The CLI, built or found by scripts/ensure-pulumi.sh (its last stdout line). */
async function findPulumi(root: string): Promise<string> {
  const { stdout } = await run("bash", [path.join(root, "scripts", "ensure-pulumi.sh")], {
    cwd: root,
    env: process.env,
  });
  const last = stdout.trim().split("\n").pop();
  if (last === undefined || last === "")
    throw new Error("scripts/ensure-pulumi.sh printed no path");
  return last;
}

/**
 * A program directory as a user would have it, with the package and @pulumi/pulumi linked from
 * this repository (one copy of @pulumi/pulumi for the program and the SDK).
 */
async function prepareScratch(
  root: string,
  pulumi: string,
  fleet: readonly { userId: string; apiEnabled: boolean }[],
): Promise<Scratch> {
  const dir = await mkdtemp(path.join(tmpdir(), "vultr-bench-cli-"));
  const programDir = path.join(dir, "program");
  const modules = path.join(programDir, "node_modules");
  await mkdir(path.join(modules, "@pulumi"), { recursive: true });
  await mkdir(path.join(dir, "state"));
  await mkdir(path.join(dir, "home"));
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
  const env: NodeJS.ProcessEnv = {
    ...hostEnvironment(),
    PATH: `${path.dirname(pulumi)}${path.delimiter}${process.env["PATH"] ?? ""}`,
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_HOME: path.join(dir, "home"),
  };
  return { root: dir, dir: programDir, env, pulumi };
}

function pulumiCommand(scratch: Scratch, args: string[], stdin?: string): Promise<string> {
  return run(scratch.pulumi, [...args, "--non-interactive"], {
    cwd: scratch.dir,
    env: scratch.env,
    ...(stdin === undefined ? {} : { stdin }),
  }).then(({ stdout }) => stdout);
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

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdin.end(options.stdin ?? "");
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) return resolve({ stdout, stderr });
      const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-40).join("\n");
      const shown = args.filter((arg) => arg !== "--non-interactive").join(" ");
      reject(new Error(`${path.basename(command)} ${shown} exited with ${code}:\n${tail}`));
    });
  });
}
