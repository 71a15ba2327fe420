import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-vultr-user-access";

/**
 * The clone's root directory, found from a file inside it. Scripts run from `dist/scripts` and
 * tests from their sources, so a fixed number of `..` would be right for only one of them.
 */
export function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && packageName(manifest) === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`${from} is not inside a clone of ${PACKAGE_NAME}`);
    }
  }
}

function packageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
