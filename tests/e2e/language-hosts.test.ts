/**
 * The YAML and Python language hosts that scripts/ensure-pulumi.sh builds next to the CLI each run
 * a program through the real CLI on a file:// backend: stack config in, a stack output out.
 * Python programs run on the `pulumi` package from PyPI in a cached virtualenv; Go programs on
 * github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, built by the Go host with the Go on
 * PATH (GOFLAGS=-mod=mod writes go.sum).
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { ensurePythonVenv, PYTHON_PULUMI_VERSION } from "../support/python-venv";

jest.setTimeout(5 * 60_000);

const YAML_PROGRAM = `name: hello-yaml
runtime: yaml
config:
  who:
    type: string
variables:
  greeting:
    fn::join: [" ", ["hello", "\${who}", "from yaml"]]
outputs:
  greeting: \${greeting}
`;

const PYTHON_PROGRAM = `from importlib.metadata import version

import pulumi

who = pulumi.Config().require("who")
pulumi.export("greeting", f"hello {who} from python")
pulumi.export("pulumiVersion", version("pulumi"))
`;

const GO_PROGRAM = `package main

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		who, _ := ctx.GetConfig("hello-go:who")
		ctx.Export("greeting", pulumi.Sprintf("hello %s from go", who))
		return nil
	})
}
`;

// The SDK version the CLI was built from: already in the module cache of a machine that built it.
const GO_MOD = `module hello-go

go 1.25

require github.com/pulumi/pulumi/sdk/v3 v3.274.1
`;

async function writeProject(
  root: string,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return dir;
}

async function outputs(stack: PulumiStack): Promise<Record<string, unknown>> {
  const result = await stack.run(["stack", "output", "--json"], { show: false });
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describeWithPulumiCli("language hosts built next to the CLI", (cli) => {
  let pulumi: LocalPulumi;

  beforeAll(async () => {
    pulumi = await LocalPulumi.create(cli());
  });

  afterAll(async () => {
    await pulumi?.dispose();
  });

  it("pulumi-language-yaml runs a YAML program", async () => {
    const projectDir = await writeProject(pulumi.rootDir, "yaml", { "Pulumi.yaml": YAML_PROGRAM });
    const stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("who", "alice");
    await stack.run(["up", "--yes"], { show: false });
    expect(await outputs(stack)).toEqual({ greeting: "hello alice from yaml" });
    await stack.run(["destroy", "--yes"], { show: false });
  });

  it(`pulumi-language-python runs a Python program on pulumi ${PYTHON_PULUMI_VERSION} from PyPI`, async () => {
    const venv = ensurePythonVenv();
    if (!venv.found) throw new Error(`no Python virtualenv with pulumi: ${venv.reason}`);
    const projectDir = await writeProject(pulumi.rootDir, "python", {
      "Pulumi.yaml": "name: hello-python\nruntime: python\n",
      "__main__.py": PYTHON_PROGRAM,
    });
    const env = { PULUMI_PYTHON_CMD: venv.python };
    const stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("who", "bob");
    await stack.run(["up", "--yes"], { show: false, env });
    expect(await outputs(stack)).toMatchObject({
      greeting: "hello bob from python",
      pulumiVersion: PYTHON_PULUMI_VERSION,
    });
    await stack.run(["destroy", "--yes"], { show: false, env });
  });

  it("pulumi-language-go runs a Go program", async () => {
    const projectDir = await writeProject(pulumi.rootDir, "go", {
      "Pulumi.yaml": "name: hello-go\nruntime: go\n",
      "main.go": GO_PROGRAM,
      "go.mod": GO_MOD,
    });
    const env = { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
    const stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("who", "carol");
    await stack.run(["up", "--yes"], { show: false, env });
    expect(await outputs(stack)).toEqual({ greeting: "hello carol from go" });
    await stack.run(["destroy", "--yes"], { show: false, env });
  });
});
