/** Compares two directory trees file by file (the SDK generator's output). */
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";

/** Every file under `root`, as sorted `/`-separated paths relative to it. */
export async function treeFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** What differs between two trees: `only in <a|b>: <file>` and `differs: <file>` lines. */
export async function treeDifferences(a: string, b: string): Promise<string[]> {
  const [filesA, filesB] = await Promise.all([treeFiles(a), treeFiles(b)]);
  const inB = new Set(filesB);
  const inA = new Set(filesA);
  const differences: string[] = [];
  for (const file of filesA) if (!inB.has(file)) differences.push(`only in ${a}: ${file}`);
  for (const file of filesB) if (!inA.has(file)) differences.push(`only in ${b}: ${file}`);
  for (const file of filesA.filter((f) => inB.has(f))) {
    const [bytesA, bytesB] = await Promise.all([readFile(path.join(a, file)), readFile(path.join(b, file))]);
    if (!bytesA.equals(bytesB)) differences.push(`differs: ${file}`);
  }
  return differences;
}
