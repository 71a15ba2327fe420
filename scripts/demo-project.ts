/**
 * The Pulumi projects the demo's later parts run (examples/exclusive, examples/key-rotation):
 * each a Pulumi.yaml outside the clone whose `main` points at the example's program, and the
 * clone's node_modules linked beside it.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";

export interface DemoProject {
  /** The project's name in Pulumi.yaml. */
  name: string;
  description: string;
  /** The program's path in the clone, e.g. "examples/exclusive/index.ts". */
  program: string;
}

/** Writes the project into `projectDir` (created) and returns that directory. */
export async function writeDemoProject(
  root: string,
  projectDir: string,
  project: DemoProject,
): Promise<string> {
  await mkdir(projectDir);
  const main = path.relative(projectDir, path.join(root, project.program));
  await writeFile(
    path.join(projectDir, "Pulumi.yaml"),
    [
      `name: ${project.name}`,
      `description: ${project.description}`,
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: true",
      `main: ${JSON.stringify(main)}`,
      "",
    ].join("\n"),
  );
  await symlink(path.join(root, "node_modules"), path.join(projectDir, "node_modules"), "dir");
  return projectDir;
}
