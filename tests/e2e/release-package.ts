/**
 * The package as an earlier commit published it, built from git: what a stack deployed with
 * that release has installed. Used by the upgrade suite, which deploys with it and previews with
 * the current tree.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, symlink } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const PACKAGE = "pulumi-vultr-user-access";

/**
 * Extracts `commit` from the clone at `projectRoot` into `dir` (`git archive`), compiles it with
 * its own tsconfig.build.json (the clone's node_modules linked in) and packs it with `npm pack`.
 * Resolves with the tarball's path. Fails, never skips, when the commit is not in the clone.
 */
export async function packCommit(
  projectRoot: string,
  commit: string,
  dir: string,
): Promise<string> {
  await requireCommit(projectRoot, commit);
  await mkdir(dir, { recursive: true });
  const archive = path.join(dir, "..", `${path.basename(dir)}.tar`);
  await run("git", ["archive", "--format=tar", "-o", archive, commit], { cwd: projectRoot });
  await run("tar", ["-xf", archive, "-C", dir]);
  await symlink(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  const tsc = require.resolve("typescript/bin/tsc", { paths: [dir] });
  await run(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: dir });
  const packed = await run("npm", ["pack", "--json", "--loglevel=error"], { cwd: dir });
  const [summary] = JSON.parse(packed.stdout) as { filename: string }[];
  if (summary === undefined) throw new Error(`npm pack printed no summary: ${packed.stdout}`);
  return path.join(dir, summary.filename);
}

async function requireCommit(projectRoot: string, commit: string): Promise<void> {
  try {
    await run("git", ["cat-file", "-e", `${commit}^{commit}`], { cwd: projectRoot });
  } catch (error) {
    const said = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new Error(
      `commit ${commit}, the release the upgrade test deploys with, is not in the clone at ` +
        `${projectRoot} (${said}). A shallow clone lacks it: fetch the history ` +
        `(\`git fetch --unshallow\`, or \`fetch-depth: 0\` in CI's checkout) and run again.`,
      { cause: error },
    );
  }
}

/** npm's integrity string of a tarball (`sha512-…`), as package-lock.json records it. */
export async function integrityOf(tarball: string): Promise<string> {
  const digest = createHash("sha512")
    .update(await readFile(tarball))
    .digest("base64");
  return `sha512-${digest}`;
}

/** The integrity npm recorded for the package installed in `dir`'s node_modules. */
export async function installedIntegrity(dir: string): Promise<string | undefined> {
  const lock = JSON.parse(
    await readFile(path.join(dir, "node_modules", ".package-lock.json"), "utf8"),
  ) as { packages?: Record<string, { integrity?: string }> };
  return lock.packages?.[`node_modules/${PACKAGE}`]?.integrity;
}
