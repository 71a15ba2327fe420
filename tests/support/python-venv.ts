/**
 * A Python virtualenv with the `pulumi` package from PyPI, for programs run by
 * pulumi-language-python. Made once per package version in a cache outside the clone (like the
 * CLI's), so a fresh clone or a rerun reuses it:
 *   ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-vultr-user-access/python/pulumi-<version>/
 * Built under a temporary name and renamed when complete, so a half-made one is never used.
 *
 * Under the 3.274 CLI the 3.68 Python host ignores Pulumi.yaml's `runtime.options.virtualenv`
 * (measured: the program then runs on the system python, without `pulumi`), as the 3.68 Node host
 * ignores its options; programs get the venv through `PULUMI_PYTHON_CMD` (the venv's python),
 * which the host uses to run its pulumi-language-python-exec shim.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

/** The `pulumi` package the tests' Python programs run on. */
export const PYTHON_PULUMI_VERSION = "3.272.0";

export type PythonVenvLookup = { found: true; python: string } | { found: false; reason: string };

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error !== undefined) return `${command}: ${result.error.message}`;
  if (result.status !== 0) {
    return `${[command, ...args].join(" ")} exited with ${result.status ?? result.signal}:\n${result.stderr.trim()}`;
  }
  return undefined;
}

/** The venv's python executable, making the venv first when it is not cached. Synchronous. */
export function ensurePythonVenv(version = PYTHON_PULUMI_VERSION): PythonVenvLookup {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache");
  const dir = path.join(cacheRoot, "pulumi-vultr-user-access", "python", `pulumi-${version}`);
  const python = path.join(dir, "bin", "python");
  if (existsSync(python)) return { found: true, python };
  mkdirSync(path.dirname(dir), { recursive: true });
  const partial = `${dir}.tmp.${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const failed =
    run("python3", ["-m", "venv", partial]) ??
    run(path.join(partial, "bin", "python"), [
      ...["-m", "pip", "install", "--quiet", "--disable-pip-version-check"],
      `pulumi==${version}`,
    ]);
  if (failed !== undefined) {
    rmSync(partial, { recursive: true, force: true });
    return { found: false, reason: failed };
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another process finished first: use its venv.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(python)) throw error;
  }
  return { found: true, python };
}
