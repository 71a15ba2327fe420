/**
 * The one harness that runs the provider as the engine runs it: the emulator in this process, and
 * the REAL dynamic-provider host (the one the engine starts) in child processes, running the
 * provider text that `UserApiAccess` serializes, in a scratch program directory whose
 * node_modules links `pulumi-vultr-user-access` to this repository (so `npm run build` must have
 * run). Each host is one provider process, as each `pulumi preview`, `up`, `refresh` or `destroy`
 * starts one: its directory has read nothing yet, so it sees the account as it is now.
 *
 * Two front ends share it: `ProviderFixture` (the provider suites: one host per test, closed
 * after it, every answer recorded) and `startLab` (the fault suites: one host for the suite, a
 * transcript saved and scanned for every key at the end).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { providerShim } from "../../sdk/provider-shim";
import { REPO_ROOT } from "./paths";
import { serializeProvider, startProviderHost, type ProviderHost } from "./provider-host";

export { REPO_ROOT };
export type Props = Record<string, unknown>;

export { RESOURCE_TYPE } from "./resource-shape";

const BUILT_PROVIDER = path.join(REPO_ROOT, "dist/provider/index.js");

/** The serialized shim requires the built package; say so plainly instead of a host stack trace. */
export function requireBuiltProvider(): void {
  if (!fs.existsSync(BUILT_PROVIDER)) {
    throw new Error(
      `${path.relative(REPO_ROOT, BUILT_PROVIDER)} is missing: run \`npm run build\` first ` +
        "(`npm test` does). The provider host loads pulumi-vultr-user-access/provider from it.",
    );
  }
}

/** The `__provider` text of every UserApiAccess: the serialized provider shim. */
export function providerText(): Promise<string> {
  return serializeProvider(providerShim);
}

/** A scratch program directory whose node_modules links the package to this repository. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(REPO_ROOT, path.join(dir, "node_modules", "pulumi-vultr-user-access"), "dir");
  return dir;
}

/** A program directory for the provider suites. */
export function linkedProgramDir(): string {
  return scratchDir("vultr-user-access-program");
}

/**
 * The environment of a provider suite's host: the test's own, without any VULTR_ setting leaking
 * in, and a tiny backoff base that keeps retries fast without faking time.
 */
export function hostEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("VULTR_")) env[name] = value;
  }
  return { ...env, VULTR_RETRY_BASE_MS: "5", VULTR_TIMEOUT_MS: "5000", ...extra };
}

/** The environment of a fault suite's host: PATH and the given settings only, never the developer's keys. */
export function bareHostEnv(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env["PATH"] ?? "", ...settings };
}

/** Stack config as the engine hands it to Configure: the emulator's owner key and endpoint. */
export function emulatorConfig(emulator: RunningEmulator): Record<string, string> {
  return { "vultr:apiKey": emulator.ownerKey, "vultr:apiEndpoint": emulator.baseUrl };
}

export interface HostStart {
  env: NodeJS.ProcessEnv;
  /** Handed to Configure; `vultr:apiKey` is sent as a secret, as the engine does. */
  config: Record<string, string>;
  /** @default the workbench's program directory */
  cwd?: string;
  /** The engine's address, passed to the host as the engine passes it. @default unreachable */
  engineAddress?: string;
  rpcTimeoutMs?: number;
  /** Told of the host as soon as it runs, before Configure (which may fail). */
  onStarted?: (host: ProviderHost) => void;
}

/**
 * The emulator, the scratch program directory, the provider text, and every host started in that
 * directory: what both front ends start and stop.
 */
export class Workbench {
  readonly hosts: ProviderHost[] = [];

  private constructor(
    readonly emulator: RunningEmulator,
    readonly provider: string,
    readonly programDir: string,
    readonly project: string,
  ) {}

  static async start(options: {
    emulator: EmulatorOptions;
    project: string;
    scratchPrefix: string;
  }): Promise<Workbench> {
    requireBuiltProvider();
    const provider = await providerText();
    const emulator = await startEmulator(options.emulator);
    return new Workbench(emulator, provider, scratchDir(options.scratchPrefix), options.project);
  }

  /** A fresh provider process, configured as the engine configures it; stopped by `close()`. */
  async startHost(start: HostStart): Promise<ProviderHost> {
    const host = await startProviderHost({
      cwd: start.cwd ?? this.programDir,
      env: start.env,
      project: this.project,
      ...(start.engineAddress === undefined ? {} : { engineAddress: start.engineAddress }),
      ...(start.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: start.rpcTimeoutMs }),
    });
    this.hosts.push(host);
    start.onStarted?.(host);
    await host.configure(start.config, { secretKeys: ["vultr:apiKey"] });
    return host;
  }

  /** Stops every host and the emulator, then removes the program directory. */
  async close(beforeRemoving: () => void = () => undefined): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.close()));
    await this.emulator.close();
    try {
      beforeRemoving();
    } finally {
      fs.rmSync(this.programDir, { recursive: true, force: true });
    }
  }
}
