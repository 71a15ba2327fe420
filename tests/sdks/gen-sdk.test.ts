/**
 * The SDK generator (npm run build:sdks → scripts/build-sdks.sh → tools/gen-sdk, tools/gen-sdk-dotnet)
 * on the fixture schema tests/fixtures/gen-sdk/schema.json: the four SDKs appear, two runs give
 * the same bytes, and the Go SDK compiles in a program that uses it (`go build`, a replace to
 * the generated module), and the Python SDK installs with pip and imports on the PyPI `pulumi`.
 * Real Go toolchain, real pkg/v3 code generators.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findProjectRoot } from "../../scripts/project-root";
import { ensurePythonVenv } from "../support/python-venv";
import { treeDifferences, treeFiles } from "./tree-compare";

const run = promisify(execFile);
const PROJECT_ROOT = findProjectRoot(__dirname);
const FIXTURE = path.join(PROJECT_ROOT, "tests", "fixtures", "gen-sdk", "schema.json");

// The first run builds both generators (minutes on 2 shared cores); later runs reuse the cache.
jest.setTimeout(10 * 60_000);

async function buildSdks(schema: string, out: string): Promise<void> {
  await run("bash", [path.join(PROJECT_ROOT, "scripts", "build-sdks.sh"), "--schema", schema, "--out", out], {
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe("npm run build:sdks on the fixture schema", () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "gen-sdk-"));
    await buildSdks(FIXTURE, path.join(work, "a"));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("writes the Node.js, Python, Go and .NET SDKs of every resource", async () => {
    const files = await treeFiles(path.join(work, "a"));
    expect(files).toEqual(
      expect.arrayContaining([
        "nodejs/userApiAccess.ts",
        "nodejs/provider.ts",
        "nodejs/config/vars.ts",
        "python/pulumi_vultraccess/user_api_access.py",
        "python/pulumi_vultraccess/config/vars.py",
        "go/go.mod",
        "go/vultraccess/userApiAccess.go",
        "go/vultraccess/config/config.go",
        "dotnet/UserApiAccess.cs",
        "dotnet/Config/Config.cs",
      ]),
    );
    // The key is a secret in every SDK's provider and config.
    const nodeProvider = await readFile(path.join(work, "a", "nodejs", "provider.ts"), "utf8");
    expect(nodeProvider).toContain("pulumi.secret(args.apiKey)");
  });

  it("gives the same bytes on a second run", async () => {
    await buildSdks(FIXTURE, path.join(work, "b"));
    expect(await treeDifferences(path.join(work, "a"), path.join(work, "b"))).toEqual([]);
  });

  it("writes a Go SDK that compiles in a program using it", async () => {
    const goMod = await readFile(path.join(work, "a", "go", "go.mod"), "utf8");
    const modulePath = /^module (\S+)$/m.exec(goMod)?.[1];
    // The SDK the CLI was built from (the generator's own v3.269.0 needs a module the proxy
    // here refuses; tools/gen-sdk replaces it).
    expect(goMod).toContain("require github.com/pulumi/pulumi/sdk/v3 v3.274.1");
    expect(modulePath).toBeDefined();
    const program = path.join(work, "program");
    await run("mkdir", ["-p", program]);
    await writeFile(
      path.join(program, "go.mod"),
      [
        "module program",
        "",
        "go 1.25",
        "",
        `require ${modulePath} v0.0.0`,
        "",
        `replace ${modulePath} => ${path.join(work, "a", "go")}`,
        "",
      ].join("\n"),
    );
    await writeFile(path.join(program, "main.go"), goProgram(`${modulePath}/vultraccess`));
    const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };
    await run("go", ["mod", "tidy"], { cwd: program, env });
    await run("go", ["build", "-o", path.join(work, "program.bin"), "."], { cwd: program, env });
  });

  it("writes a Python SDK that pip installs and Python imports", async () => {
    const venv = ensurePythonVenv();
    if (!venv.found) throw new Error(`no Python virtualenv with pulumi: ${venv.reason}`);
    const target = path.join(work, "site");
    // Into a folder of its own, so the cached venv stays as made.
    await run(venv.python, [
      ...["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"],
      ...["--target", target, path.join(work, "a", "python")],
    ]);
    const imported = await run(
      venv.python,
      ["-c", "import pulumi_vultraccess as v; print(v.UserApiAccess.__name__, v.Provider.__name__)"],
      { env: { ...process.env, PYTHONPATH: target } },
    );
    expect(imported.stdout.trim()).toBe("UserApiAccess Provider");
  });
});

function goProgram(importPath: string): string {
  return `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	vultraccess "${importPath}"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		alice, err := vultraccess.NewUserApiAccess(ctx, "alice", &vultraccess.UserApiAccessArgs{
			Email:        pulumi.String("alice@example.com"),
			ApiEnabled:   pulumi.Bool(false),
			AclsRequired: pulumi.StringArray{pulumi.String("billing")},
		})
		if err != nil {
			return err
		}
		ctx.Export("userId", alice.UserId)
		return nil
	})
}
`;
}
