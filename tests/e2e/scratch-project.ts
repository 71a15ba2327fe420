import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What a user installs next to the package: the versions the project supports on Node 20. */
const USER_DEPENDENCIES = ["@pulumi/pulumi@3.248.0", "typescript@5.9", "ts-node@10"];

/** A user's tsconfig: strict, as `pulumi new typescript` writes it. */
const PROGRAM_TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2020",
    module: "commonjs",
    moduleResolution: "node",
    esModuleInterop: true,
    skipLibCheck: true,
    outDir: "bin",
  },
  files: ["index.ts"],
};

/**
 * A directory outside the clone where Pulumi programs are written as users write them, with the
 * package installed from the tarball `npm pack` makes (so the `files` list, the `exports` map and
 * the published types are what is tested). Programs live in subdirectories and share its
 * node_modules.
 */
export class ScratchProject {
  private constructor(readonly dir: string) {}

  /** Builds and packs the package, and installs it with the Pulumi SDK into a fresh directory. */
  static async install(projectRoot: string): Promise<ScratchProject> {
    return ScratchProject.installTarball((dir) =>
      packFromSources(projectRoot, path.join(dir, "package")),
    );
  }

  /** Installs a tarball `pack` makes (given the fresh directory) with the Pulumi SDK. */
  static async installTarball(pack: (dir: string) => Promise<string>): Promise<ScratchProject> {
    const dir = await mkdtemp(path.join(tmpdir(), "pulumi-vultr-scratch-"));
    const tarball = await pack(dir);
    await writeFile(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "scratch-programs", private: true }, null, 2),
    );
    const scratch = new ScratchProject(dir);
    await scratch.npmInstall([tarball, ...USER_DEPENDENCIES]);
    return scratch;
  }

  /** Installs another tarball of the package over the one installed, as a user upgrades. */
  async upgrade(tarball: string): Promise<void> {
    await this.npmInstall([tarball]);
  }

  private async npmInstall(specs: readonly string[]): Promise<void> {
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...specs], {
      cwd: this.dir,
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  /** Writes a TypeScript program as its own Pulumi project and returns its directory. */
  async writeProgram(project: string, source: string): Promise<string> {
    const programDir = path.join(this.dir, project);
    await mkdir(programDir);
    await writeFile(path.join(programDir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
    await writeFile(path.join(programDir, "tsconfig.json"), JSON.stringify(PROGRAM_TSCONFIG));
    await writeFile(path.join(programDir, "index.ts"), source);
    return programDir;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Compiles the current sources into a staging copy of the package and packs that. Building into
 * the clone's own dist/ would race with suites that load it, and packing dist/ as it is could
 * test a stale build.
 */
export async function packFromSources(projectRoot: string, stagingDir: string): Promise<string> {
  await mkdir(stagingDir, { recursive: true });
  for (const file of ["package.json", "README.md", "LICENSE"]) {
    const source = path.join(projectRoot, file);
    if (existsSync(source)) await copyFile(source, path.join(stagingDir, file));
  }
  const tsc = require.resolve("typescript/bin/tsc", { paths: [projectRoot] });
  await run(
    process.execPath,
    [
      tsc,
      "-p",
      path.join(projectRoot, "tsconfig.build.json"),
      "--outDir",
      path.join(stagingDir, "dist"),
    ],
    { cwd: projectRoot },
  );
  const packed = await run(
    "npm",
    ["pack", stagingDir, "--json", "--loglevel=error", "--pack-destination", stagingDir],
    { cwd: stagingDir },
  );
  const [summary] = JSON.parse(packed.stdout) as { filename: string }[];
  if (summary === undefined) throw new Error(`npm pack printed no summary: ${packed.stdout}`);
  return path.join(stagingDir, summary.filename);
}
