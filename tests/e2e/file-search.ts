import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";

/**
 * The files under `roots` whose bytes contain `text`, skipping node_modules and not following
 * symbolic links (the logs directory links to its own files).
 */
export async function filesContaining(roots: readonly string[], text: string): Promise<string[]> {
  const needle = Buffer.from(text);
  const hits: string[] = [];
  for (const root of roots) {
    for (const file of await filesUnder(root)) {
      if ((await readFile(file)).includes(needle)) hits.push(file);
    }
  }
  return hits;
}

/** Every regular file under `root`, node_modules excluded. */
export async function filesUnder(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules")
      files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
