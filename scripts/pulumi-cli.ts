/**
 * The pulumi CLI as the demo and the end-to-end tests run it: found (or built) by
 * scripts/ensure-pulumi.sh, and run offline against a throwaway PULUMI_HOME and a local
 * `file://` backend, so nothing touches the user's own ~/.pulumi or any service.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface PulumiCli {
  /** Absolute path of the `pulumi` executable. */
  executable: string;
  /** Its directory: `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs` stand next to it. */
  binDir: string;
}

export type PulumiCliLookup = { found: true; cli: PulumiCli } | { found: false; reason: string };

/**
 * Runs scripts/ensure-pulumi.sh, which prints the CLI's path as its last stdout line (building
 * it from Go modules first if need be). Synchronous, so a test file can decide at load time
 * whether its suite runs.
 *
 * @param progress `"show"` passes the script's progress (stderr) through; `"capture"` keeps it
 *   for the failure reason.
 */
export function ensurePulumiCli(
  projectRoot: string,
  progress: "show" | "capture",
): PulumiCliLookup {
  const script = path.join(projectRoot, "scripts", "ensure-pulumi.sh");
  const run = spawnSync("bash", [script], {
    cwd: projectRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", progress === "show" ? "inherit" : "pipe"],
  });
  if (run.error !== undefined) {
    return { found: false, reason: `could not run ${script}: ${run.error.message}` };
  }
  const executable = run.stdout.trimEnd().split("\n").at(-1) ?? "";
  if (run.status !== 0 || !path.isAbsolute(executable)) {
    const said = (run.stderr ?? "").trim();
    return {
      found: false,
      reason: `${script} exited with ${run.status ?? run.signal}${said === "" ? "" : `:\n${said}`}`,
    };
  }
  return { found: true, cli: { executable, binDir: path.dirname(executable) } };
}

/** One finished pulumi command. `stdout` and `stderr` are empty when its output was shown. */
export interface CommandResult {
  /** The command line, for messages: `pulumi up --yes …`. Secrets never travel as arguments. */
  command: string;
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export class PulumiCommandError extends Error {
  override readonly name = "PulumiCommandError" as const;

  constructor(readonly result: CommandResult) {
    const output = `${result.stdout}${result.stderr}`.trim();
    super(
      `\`${result.command}\` exited with ${result.code ?? "a signal"}` +
        (output === "" ? " (its output is above)" : `:\n${output}`),
    );
  }
}

export class PulumiInterrupted extends Error {
  override readonly name = "PulumiInterrupted" as const;

  constructor() {
    super("interrupted");
  }
}

export interface RunOptions {
  /** The project directory (where Pulumi.yaml is). */
  cwd: string;
  /** Written to the command's stdin; how secrets reach `pulumi config set`. */
  stdin?: string;
  /** Show the output on this process's terminal instead of capturing it. @default the workspace's `show` */
  show?: boolean;
  /** Added to this command's environment, over the workspace's (e.g. another PATH). */
  env?: Record<string, string>;
}

export interface LocalPulumiOptions {
  /** Show pulumi's own output as it runs (the demo) rather than capture it (the tests). @default false */
  show?: boolean;
  /**
   * Run every command with `--logflow -v=9`, so the engine and its plugins write their logs
   * (into `tempDir`), which tests then search for secrets. @default false
   */
  verboseLogs?: boolean;
  /** Added to the environment of every command, and so of the provider host it starts. */
  extraEnv?: Record<string, string>;
}

/**
 * Environment variables that would make a run depend on the machine rather than on the stack:
 * every `VULTR_*` setting of the provider, and Pulumi's own credentials.
 */
function isMachineSetting(name: string): boolean {
  return (
    name.startsWith("VULTR_") ||
    name === "PULUMI_ACCESS_TOKEN" ||
    name === "PULUMI_CONFIG_PASSPHRASE_FILE"
  );
}

/**
 * A private Pulumi installation: its own PULUMI_HOME, a `file://` backend, a passphrase for
 * secrets and a temp directory, all under one directory that `dispose` removes.
 */
export class LocalPulumi {
  readonly homeDir: string;
  readonly backendDir: string;
  /** TMPDIR of every command: the engine's and plugins' log files land here. */
  readonly tempDir: string;
  /** Every command run so far, with its output when captured. */
  readonly history: CommandResult[] = [];
  private readonly passphrase = randomBytes(16).toString("hex");
  private readonly running = new Set<ChildProcess>();
  private interrupted = false;

  private constructor(
    readonly cli: PulumiCli,
    /** The directory holding everything else; callers may put their own files in it. */
    readonly rootDir: string,
    private readonly options: LocalPulumiOptions,
  ) {
    this.homeDir = path.join(rootDir, "home");
    this.backendDir = path.join(rootDir, "backend");
    this.tempDir = path.join(rootDir, "tmp");
  }

  static async create(cli: PulumiCli, options: LocalPulumiOptions = {}): Promise<LocalPulumi> {
    const rootDir = await mkdtemp(path.join(tmpdir(), "pulumi-vultr-"));
    const pulumi = new LocalPulumi(cli, rootDir, options);
    for (const dir of [pulumi.homeDir, pulumi.backendDir, pulumi.tempDir]) await mkdir(dir);
    return pulumi;
  }

  /** The environment of every command: offline, private, and with the CLI first on PATH. */
  env(): NodeJS.ProcessEnv {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !isMachineSetting(name)),
    );
    return {
      ...env,
      PATH: [this.cli.binDir, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_HOME: this.homeDir,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      TMPDIR: this.tempDir,
      ...this.options.extraEnv,
    };
  }

  /**
   * Runs `pulumi <args>`; resolves with the result whatever the exit code, and rejects only if
   * the command could not start or `interrupt` was called.
   */
  run(args: readonly string[], options: RunOptions): Promise<CommandResult> {
    if (this.interrupted) return Promise.reject(new PulumiInterrupted());
    const fullArgs = [...args, ...(this.options.verboseLogs === true ? ["--logflow", "-v=9"] : [])];
    const show = options.show ?? this.options.show ?? false;
    const child = spawn(this.cli.executable, fullArgs, {
      cwd: options.cwd,
      env: { ...this.env(), ...options.env },
      stdio: [
        options.stdin === undefined ? "ignore" : "pipe",
        show ? "inherit" : "pipe",
        show ? "inherit" : "pipe",
      ],
    });
    this.running.add(child);
    // A command may exit without reading its input (EPIPE); its exit code says what happened.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.stdin);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.on("error", (error) => {
        this.running.delete(child);
        reject(error);
      });
      child.on("close", (code) => {
        this.running.delete(child);
        const result = { command: ["pulumi", ...args].join(" "), code, stdout, stderr };
        this.history.push(result);
        // An interrupted command's failure says nothing about the step it belonged to.
        if (this.interrupted) reject(new PulumiInterrupted());
        else resolve(result);
      });
    });
  }

  /**
   * Asks running commands to stop, as Ctrl+C would (pulumi then cancels its operation cleanly),
   * and refuses to start new ones.
   */
  interrupt(): void {
    this.interrupted = true;
    for (const child of this.running) child.kill("SIGINT");
  }

  /** Removes the home, the backend (all state) and the temp directory. */
  async dispose(): Promise<void> {
    await rm(this.rootDir, { recursive: true, force: true });
  }
}
