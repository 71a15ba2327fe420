/**
 * What every end-to-end suite of the provider sets up: the emulator as the account, a private
 * pulumi installation that logs everything (so the key scan has something to scan), and a scratch
 * directory with the packed package installed, where programs are written as users write them.
 */
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { findProjectRoot } from "../../scripts/project-root";
import type { CommandResult, PulumiCli } from "../../scripts/pulumi-cli";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { filesContaining, filesUnder } from "./file-search";
import { ScratchProject } from "./scratch-project";
import { stackState, type StackState } from "./stack-state";

const PROJECT_ROOT = findProjectRoot(__dirname);

export interface AccountSetup {
  users: SeedUser[];
  /** Generated users besides `users`, so the provider lists a realistic account. */
  others: { count: number; seed: number };
}

export class CliHarness {
  private constructor(
    readonly emulator: RunningEmulator,
    readonly pulumi: LocalPulumi,
    readonly scratch: ScratchProject,
  ) {}

  static async start(cli: PulumiCli, account: AccountSetup): Promise<CliHarness> {
    const emulator = await startEmulator({ users: account.users });
    emulator.seedUsers(account.others.count, account.others.seed);
    const pulumi = await LocalPulumi.create(cli, { verboseLogs: true });
    const scratch = await ScratchProject.install(PROJECT_ROOT);
    return new CliHarness(emulator, pulumi, scratch);
  }

  /**
   * A program in its own project and stack, configured the way the README tells users to:
   * the key (the owner's unless given) as a stack secret, and the emulator as the endpoint.
   */
  async newStack(project: string, program: string, apiKey?: string): Promise<PulumiStack> {
    const projectDir = await this.scratch.writeProgram(project, program);
    const stack = await PulumiStack.init(this.pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", apiKey ?? this.emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", this.emulator.baseUrl);
    return stack;
  }

  /** Replaces a stack's program, as a user edits index.ts between two runs. */
  async rewriteProgram(stack: PulumiStack, program: string): Promise<void> {
    await writeFile(path.join(stack.projectDir, "index.ts"), program);
  }

  async state(stack: PulumiStack): Promise<StackState> {
    return stackState(await stack.exportState());
  }

  /**
   * Where any of `keys` appears: files of the state backend, pulumi's home, the engine's and
   * plugins' logs and the programs, and the output of every command run so far.
   */
  async keyLeaks(keys: readonly string[]): Promise<{ files: string[]; outputs: string[] }> {
    const roots = [
      this.pulumi.backendDir,
      this.pulumi.homeDir,
      this.pulumi.tempDir,
      this.scratch.dir,
    ];
    const files: string[] = [];
    for (const key of keys) files.push(...(await filesContaining(roots, key)));
    const outputs = this.pulumi.history
      .filter((result) => keys.some((key) => combined(result).includes(key)))
      .map((result) => result.command);
    return { files, outputs };
  }

  /** Whether the logs the key scan reads were written at all (a scan of nothing proves nothing). */
  async wroteLogs(): Promise<boolean> {
    const logs = await filesUnder(this.pulumi.tempDir);
    return logs.some((file) => /pulumi\..*\.log\./.test(file));
  }

  async dispose(): Promise<void> {
    await this.emulator?.close();
    await this.pulumi?.dispose();
    await this.scratch?.dispose();
  }
}

/** Everything a command printed. */
export function combined(result: CommandResult): string {
  return `${result.stdout}${result.stderr}`;
}

const ACCESS_ROW = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

/**
 * The progress rows of one UserApiAccess in the plain (non-interactive) display, e.g.
 * ` ~  pulumi-nodejs:dynamic/vultr:UserApiAccess alice update warning: drift on …`.
 */
export function resourceRows(text: string, name: string): string[] {
  return text.split("\n").filter((line) => line.includes(`${ACCESS_ROW} ${name} `));
}

/**
 * What the Diagnostics section shows under `pulumi-nodejs:dynamic/vultr:UserApiAccess (<name>):`
 * (or under `pulumi:pulumi:Stack (<name>):` with `type`), one message per line, unindented.
 */
export function diagnosticsOf(text: string, name: string, type: string = ACCESS_ROW): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line === `  ${type} (${name}):`);
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("    ")) break;
    block.push(line.trim());
  }
  return block;
}

/** One resource's block in `preview --diff` output: its operation and its property lines. */
export interface DiffBlock {
  op: string;
  urn: string;
  lines: string[];
}

/** The UserApiAccess blocks of `preview --diff` output, in the order shown. */
export function diffBlocks(text: string): DiffBlock[] {
  const blocks: DiffBlock[] = [];
  let current: DiffBlock | undefined;
  for (const line of text.split("\n")) {
    const header = new RegExp(`^\\s*[-+~]*\\s*${ACCESS_ROW}: \\((\\S+)\\)`).exec(line);
    if (header !== null) {
      current = { op: header[1] ?? "", urn: "", lines: [] };
      blocks.push(current);
      continue;
    }
    if (current === undefined) continue;
    if (!/^ {6,}/.test(line)) {
      current = undefined;
      continue;
    }
    const urn = /\[urn=(.+)\]/.exec(line)?.[1];
    if (urn !== undefined) current.urn = urn;
    else current.lines.push(line.trim());
  }
  return blocks;
}

/** How often `needle` occurs in `text`. */
export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
