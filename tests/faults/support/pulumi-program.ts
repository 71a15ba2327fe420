/**
 * A scratch Pulumi program run by the real `pulumi` CLI, offline: a `file://` backend and its own
 * PULUMI_HOME under one temp directory. The program's node_modules links the package (this repo,
 * built) and the SDK, TypeScript and ts-node of this repo, as `npm link` would.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./paths";

export type CliLookup = { found: true; executable: string } | { found: false; reason: string };

/** scripts/ensure-pulumi.sh prints the CLI's path as its last stdout line. */
export function findPulumiCli(): CliLookup {
  const script = path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh");
  const run = spawnSync("bash", [script], { cwd: REPO_ROOT, encoding: "utf8" });
  const executable = (run.stdout ?? "").trimEnd().split("\n").at(-1) ?? "";
  if (run.status === 0 && path.isAbsolute(executable) && fs.existsSync(executable)) {
    return { found: true, executable };
  }
  return {
    found: false,
    reason: `${script} exited with ${run.status ?? run.signal}: ${(run.stderr ?? "").trim()}`,
  };
}

export interface CommandResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2020",
    module: "commonjs",
    moduleResolution: "node",
    esModuleInterop: true,
    skipLibCheck: true,
  },
  files: ["index.ts"],
};

export class PulumiProgram {
  readonly programDir: string;
  readonly backendDir: string;
  readonly homeDir: string;
  readonly commands: CommandResult[] = [];

  constructor(
    readonly executable: string,
    readonly rootDir: string,
    /** Extra environment of every command (and so of the provider host it starts). */
    readonly extraEnv: Record<string, string>,
  ) {
    this.programDir = path.join(rootDir, "program");
    this.backendDir = path.join(rootDir, "backend");
    this.homeDir = path.join(rootDir, "home");
  }

  static create(
    executable: string,
    project: string,
    source: string,
    extraEnv: Record<string, string> = {},
  ): PulumiProgram {
    const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), "faults-cli-"));
    const program = new PulumiProgram(executable, rootDir, extraEnv);
    for (const dir of [program.programDir, program.backendDir, program.homeDir]) fs.mkdirSync(dir);
    const modules = path.join(program.programDir, "node_modules");
    fs.mkdirSync(modules);
    fs.symlinkSync(REPO_ROOT, path.join(modules, "pulumi-vultr-user-access"), "dir");
    for (const name of ["@pulumi", "@types", "typescript", "ts-node"]) {
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules", name), path.join(modules, name), "dir");
    }
    fs.writeFileSync(
      path.join(program.programDir, "Pulumi.yaml"),
      `name: ${project}\nruntime: nodejs\n`,
    );
    fs.writeFileSync(path.join(program.programDir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    fs.writeFileSync(
      path.join(program.programDir, "package.json"),
      JSON.stringify({ name: project, private: true, main: "index.ts" }),
    );
    fs.writeFileSync(path.join(program.programDir, "index.ts"), source);
    return program;
  }

  env(): NodeJS.ProcessEnv {
    return {
      PATH: [path.dirname(this.executable), process.env["PATH"] ?? ""].join(path.delimiter),
      HOME: this.homeDir,
      PULUMI_HOME: this.homeDir,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      ...this.extraEnv,
    };
  }

  /** Runs `pulumi <args>` to its end; `stdin` is how a secret reaches `config set`. */
  run(args: readonly string[], stdin?: string): Promise<CommandResult> {
    const child = spawn(this.executable, args, {
      cwd: this.programDir,
      env: this.env(),
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    child.stdin?.end(stdin);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => {
        const result = { command: ["pulumi", ...args].join(" "), code, stdout, stderr };
        this.commands.push(result);
        resolve(result);
      });
    });
  }

  /** Runs and insists on success. */
  async ok(args: readonly string[], stdin?: string): Promise<CommandResult> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) {
      throw new Error(
        `${result.command} exited with ${result.code}:\n${result.stdout}${result.stderr}`,
      );
    }
    return result;
  }

  dispose(): void {
    fs.rmSync(this.rootDir, { recursive: true, force: true });
  }
}
