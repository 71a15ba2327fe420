/**
 * A scratch Pulumi program run by the real `pulumi` CLI in a private, offline installation
 * (`LocalPulumi`: its own PULUMI_HOME, a `file://` backend). The program's node_modules links the
 * package (this repo, built) and the SDK, TypeScript and ts-node of this repo, as `npm link`
 * would: faster than installing the packed tarball, which tests/e2e does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalPulumi,
  PulumiCommandError,
  type CommandResult,
  type PulumiCli,
} from "../../scripts/pulumi-cli";
import { REPO_ROOT } from "./paths";

export type { CommandResult };

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

  private constructor(private readonly pulumi: LocalPulumi) {
    this.programDir = path.join(pulumi.rootDir, "program");
  }

  /** Everything the program and its Pulumi installation wrote lives under this directory. */
  get rootDir(): string {
    return this.pulumi.rootDir;
  }

  /** Every command run so far, with its output. */
  get commands(): readonly CommandResult[] {
    return this.pulumi.history;
  }

  static async create(
    cli: PulumiCli,
    project: string,
    source: string,
    extraEnv: Record<string, string> = {},
  ): Promise<PulumiProgram> {
    const program = new PulumiProgram(await LocalPulumi.create(cli, { extraEnv }));
    const modules = path.join(program.programDir, "node_modules");
    fs.mkdirSync(modules, { recursive: true });
    fs.symlinkSync(REPO_ROOT, path.join(modules, "pulumi-vultr-user-access"), "dir");
    for (const name of ["@pulumi", "@types", "typescript", "ts-node"]) {
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules", name), path.join(modules, name), "dir");
    }
    const write = (file: string, text: string) =>
      fs.writeFileSync(path.join(program.programDir, file), text);
    write("Pulumi.yaml", `name: ${project}\nruntime: nodejs\n`);
    write("tsconfig.json", JSON.stringify(TSCONFIG));
    write("package.json", JSON.stringify({ name: project, private: true, main: "index.ts" }));
    write("index.ts", source);
    return program;
  }

  /** Runs `pulumi <args>` to its end; `stdin` is how a secret reaches `config set`. */
  run(args: readonly string[], stdin?: string): Promise<CommandResult> {
    return this.pulumi.run(args, {
      cwd: this.programDir,
      ...(stdin === undefined ? {} : { stdin }),
    });
  }

  /** Runs and insists on success. */
  async ok(args: readonly string[], stdin?: string): Promise<CommandResult> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) throw new PulumiCommandError(result);
    return result;
  }

  dispose(): Promise<void> {
    return this.pulumi.dispose();
  }
}
