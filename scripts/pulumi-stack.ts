import { existsSync } from "node:fs";
import { copyFile, unlink } from "node:fs/promises";
import * as path from "node:path";
import {
  PulumiCommandError,
  type CommandResult,
  type LocalPulumi,
  type RunOptions,
} from "./pulumi-cli";

/** The commands that accept `--config-file` (the `stack` commands do not). */
const READS_STACK_CONFIG = new Set(["config", "preview", "up", "refresh", "destroy"]);

export interface StackOptions {
  name: string;
  /** The project directory (where Pulumi.yaml is). */
  projectDir: string;
  /**
   * Where the stack's settings live. By default Pulumi keeps them in `Pulumi.<stack>.yaml` next
   * to Pulumi.yaml; the demo keeps them out of the clone.
   */
  configFile?: string;
}

/** One stack of a project in a LocalPulumi backend; every command runs non-interactively. */
export class PulumiStack {
  private constructor(
    private readonly pulumi: LocalPulumi,
    readonly name: string,
    readonly projectDir: string,
    private readonly configFile: string | undefined,
  ) {}

  static async init(pulumi: LocalPulumi, options: StackOptions): Promise<PulumiStack> {
    const { name, projectDir, configFile } = options;
    const written = path.join(projectDir, `Pulumi.${name}.yaml`);
    if (configFile !== undefined && existsSync(written)) {
      throw new Error(`${written} exists already; it is not ours to move: remove it or rename it`);
    }
    const init = await pulumi.run(["stack", "init", name, "--non-interactive"], {
      cwd: projectDir,
      show: false,
    });
    if (init.code !== 0) throw new PulumiCommandError(init);
    if (configFile !== undefined) {
      // `stack init` has no --config-file: it writes the passphrase salt next to Pulumi.yaml.
      await copyFile(written, configFile);
      await unlink(written);
    }
    return new PulumiStack(pulumi, name, projectDir, configFile);
  }

  /** `pulumi config set`; the value goes through stdin, since arguments are visible to `ps`. */
  async setConfig(key: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
    const secret = options.secret === true ? ["--secret"] : [];
    await this.run(["config", "set", key, ...secret], { stdin: value, show: false });
  }

  /** Runs `pulumi <args>` on this stack; rejects with the output when it exits non-zero. */
  async run(
    args: readonly string[],
    options: Omit<RunOptions, "cwd"> = {},
  ): Promise<CommandResult> {
    const result = await this.attempt(args, options);
    if (result.code !== 0) throw new PulumiCommandError(result);
    return result;
  }

  /** Runs `pulumi <args>` on this stack; resolves whatever the exit code (for expected failures). */
  attempt(args: readonly string[], options: Omit<RunOptions, "cwd"> = {}): Promise<CommandResult> {
    const stackArgs = ["--stack", this.name, "--non-interactive"];
    if (this.configFile !== undefined && READS_STACK_CONFIG.has(args[0] ?? "")) {
      stackArgs.push("--config-file", this.configFile);
    }
    return this.pulumi.run([...args, ...stackArgs], { ...options, cwd: this.projectDir });
  }

  /** `pulumi stack export`, parsed. */
  async exportState(): Promise<unknown> {
    const exported = await this.run(["stack", "export"], { show: false });
    return JSON.parse(exported.stdout) as unknown;
  }
}
