/**
 * "Done when" of issue 3: the tarball from `npm pack`, installed into a scratch program as a user
 * installs it, works through the real dynamic-provider host against the emulator.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { EmulatedUser } from "../../emulator";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { serializeProvider } from "../support/provider-host";
import { ProviderFixture, REPO_ROOT, requireBuiltProvider, urnOf } from "../support/lab";

const run = promisify(execFile);
// @pulumi/pulumi is a peer dependency: a program brings its own.
const PULUMI_VERSION = "3.248.0";
const PACKAGE = "pulumi-vultr-user-access";
const URN = urnOf("ci-bot");

describe("the packed package, installed into a scratch program", () => {
  let workDir: string;
  let programDir: string;
  let fixture: ProviderFixture;
  let user: EmulatedUser;
  /** The `__provider` text the installed SDK serializes. */
  let installedProvider: string;

  beforeAll(async () => {
    requireBuiltProvider();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vultr-user-access-packed-"));
    const { stdout } = await run(
      "npm",
      ["pack", "--json", "--pack-destination", workDir, "--loglevel=error"],
      { cwd: REPO_ROOT },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (packed === undefined) throw new Error(`npm pack reported nothing: ${stdout}`);

    programDir = path.join(workDir, "program");
    fs.mkdirSync(programDir);
    fs.writeFileSync(
      path.join(programDir, "package.json"),
      JSON.stringify({ name: "scratch-program", private: true }),
    );
    await run(
      "npm",
      [
        "install",
        path.join(workDir, packed.filename),
        `@pulumi/pulumi@${PULUMI_VERSION}`,
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=error",
      ],
      { cwd: programDir },
    );

    const installedShim = path.join(
      programDir,
      "node_modules",
      PACKAGE,
      "dist/sdk/provider-shim.js",
    );
    const { providerShim } = (await import(installedShim)) as {
      providerShim: dynamic.ResourceProvider;
    };
    installedProvider = await serializeProvider(providerShim);

    fixture = await ProviderFixture.start();
    [user] = fixture.emulator.seedUsers([
      { email: "ci@example.com", name: "CI", api_enabled: false },
    ]) as [EmulatedUser];
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
    if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true });
  });

  beforeEach(() => fixture.emulator.clearRequestLog());

  it("resolves pulumi-vultr-user-access/provider to the installed copy, not a link", () => {
    const resolved = require.resolve(`${PACKAGE}/provider`, { paths: [programDir] });

    expect(fs.realpathSync(resolved)).toBe(
      path.join(fs.realpathSync(programDir), "node_modules", PACKAGE, "dist/provider/index.js"),
    );
  });

  it("serializes the same thin shim as the repository's SDK", () => {
    expect(installedProvider).toBe(fixture.provider);
  });

  it("adopts, diffs and releases a user through the real host", async () => {
    const host = await fixture.startHost({ cwd: programDir });
    const news = {
      __provider: installedProvider,
      __urn: URN,
      email: user.email,
      apiEnabled: true,
    };

    const checked = await host.check(URN, {}, news);
    expect(checked.failures).toStrictEqual([]);
    const created = await host.create(URN, checked.inputs);
    expect(created.id).toBe(user.id);
    expect(created.outs).toMatchObject({ apiEnabled: true, initialApiEnabled: false });
    expect(fixture.emulator.getUser(user.id)?.api_enabled).toBe(true);

    const rechecked = await host.check(URN, checked.inputs, news);
    const diff = await host.diff(created.id, URN, created.outs, rechecked.inputs);
    expect(diff.changes).toBe("DIFF_NONE");

    // `pulumi destroy` runs in a provider process of its own.
    const destroy = await fixture.startHost({ cwd: programDir });
    await destroy.delete(created.id, URN, created.outs);
    expect(fixture.emulator.getUser(user.id)?.api_enabled).toBe(false);
    expect(fixture.routes()).toStrictEqual([
      "GET /users",
      "PATCH /users/:id",
      "GET /users",
      "PATCH /users/:id",
    ]);
    expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: true }, { api_enabled: false }]);
    expect(fixture.everythingShown()).not.toContain(fixture.apiKey);
  });
});
