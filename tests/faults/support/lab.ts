/**
 * A fault lab: the emulator in this process, and the REAL dynamic-provider host (the one the engine
 * starts) in a child process, running the provider text that `UserApiAccess` serializes. The host
 * runs in a scratch directory whose node_modules links `pulumi-vultr-user-access` to this repo, as
 * a user's program directory would (so `npm run build` must have run).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../../emulator";
import { providerShim } from "../../../sdk/provider-shim";
import {
  PROVIDER_KEY,
  ProviderHostError,
  serializeProvider,
  startProviderHost,
  type ProviderHost,
} from "../../support/provider-host";
import { REPO_ROOT } from "./paths";
import { finishTranscript, Transcript } from "./transcript";

export type Props = Record<string, unknown>;

export const PROJECT = "faults";
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

/**
 * Fast retries for the matrices: 200 ms per attempt, backoff ceilings 5, 10, 20, 40 ms, and no
 * pacing to speak of (pacing is not what these suites test; run them with the emulator's rate
 * limit off so that every 429 is an injected one).
 */
export const FAST_TIMEOUT_MS = 200;
export const FAST_SETTINGS = {
  VULTR_TIMEOUT_MS: String(FAST_TIMEOUT_MS),
  VULTR_RETRY_BASE_MS: "5",
  VULTR_MAX_RPS: "1000",
} as const;

export interface LabOptions {
  users?: number | SeedUser[];
  seed?: number;
  /** VULTR_* settings for the host's environment (the parent's environment is NOT inherited). */
  env?: Record<string, string>;
  /**
   * Stack config handed to Configure. `vultr:apiKey` is sent as a secret, as the engine does.
   * @default { "vultr:apiKey": <owner key>, "vultr:apiEndpoint": <emulator> }
   */
  config?: (emulator: RunningEmulator) => Record<string, string>;
  /** @default 30, Vultr's limit */
  rateLimitPerSecond?: number;
}

export interface Lab {
  emulator: RunningEmulator;
  host: ProviderHost;
  transcript: Transcript;
  /** The serialized provider, as stored under `__provider` of every resource. */
  providerText: string;
  /** `news` as the engine sends them: the declared inputs plus `__provider`. */
  inputs(props: Props, providerText?: string): Props;
  /**
   * A new engine pass in `host` (default: the lab's): the same provider text with a trailing
   * comment, which the host deserializes and configures anew. Since c99ae4d the provider keeps
   * its runtime (directory snapshot, allowlists read) when configured with the same settings, so
   * the host is first re-configured with a different `vultr:maxRequestsPerSecond` (1000 + n, far
   * above what any suite sends): the provider starts with an empty directory — as every
   * `pulumi up` starts a new host — without the seconds a new host process costs.
   */
  freshProvider(host?: ProviderHost): Promise<string>;
  urn(name: string): string;
  /**
   * Starts another host (a later `pulumi up`), configured like the first unless told otherwise;
   * closed with the lab. `configured` also joins the keys scanned for by `secrets()`.
   */
  startHost(options?: {
    config?: Record<string, string>;
    env?: Record<string, string>;
    rpcTimeoutMs?: number;
  }): Promise<ProviderHost>;
  /** Every API key the account holds (owner's and users'), by name, for secret scans. */
  secrets(): Record<string, string>;
  /**
   * Stops the hosts and the emulator, saves the transcript (host outputs included), scans it and
   * every file written for `secrets()` and `extraSecrets`, and removes the scratch directory.
   */
  finish(extraSecrets?: Record<string, string>): Promise<void>;
}

/** A scratch program directory whose node_modules links the package to this repo. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(REPO_ROOT, path.join(dir, "node_modules", "pulumi-vultr-user-access"), "dir");
  return dir;
}

/** The environment a host gets: PATH and the given settings only, never the developer's keys. */
export function hostEnv(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env["PATH"] ?? "", ...settings };
}

export async function startLab(suite: string, options: LabOptions = {}): Promise<Lab> {
  const transcript = new Transcript(suite);
  const emulator = await startEmulator({
    ...(options.users === undefined ? {} : { users: options.users }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    rateLimitPerSecond: options.rateLimitPerSecond ?? 30,
  });
  // Users deleted during a test keep their keys in the scan.
  const seededUsers = emulator.listUsers();
  const cwd = scratchDir(`faults-${suite}`);
  transcript.track(cwd);
  const config: Record<string, string> = options.config?.(emulator) ?? {
    "vultr:apiKey": emulator.ownerKey,
    "vultr:apiEndpoint": emulator.baseUrl,
  };
  const hosts: ProviderHost[] = [];
  const hostConfigs = new Map<ProviderHost, Record<string, string>>();
  const configuredKeys: string[] = [];
  const startHost: Lab["startHost"] = async (overrides = {}) => {
    const hostConfig = overrides.config ?? config;
    const env = hostEnv(overrides.env ?? options.env);
    const host = await startProviderHost({
      cwd,
      env,
      project: PROJECT,
      ...(overrides.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: overrides.rpcTimeoutMs }),
    });
    hosts.push(host);
    for (const key of [hostConfig["vultr:apiKey"], env["VULTR_API_KEY"]]) {
      if (key !== undefined) configuredKeys.push(key);
    }
    await host.configure(hostConfig, { secretKeys: ["vultr:apiKey"] });
    hostConfigs.set(host, hostConfig);
    return host;
  };
  const host = await startHost();
  const providerText = await serializeProvider(providerShim);
  transcript.add("__provider", providerText);
  let variants = 0;
  const secrets = (): Record<string, string> => ({
    "owner key": emulator.ownerKey,
    ...Object.fromEntries(configuredKeys.map((key, i) => [`configured key ${i}`, key])),
    ...Object.fromEntries(
      [...seededUsers, ...emulator.listUsers()].map((u) => [`api key of ${u.email}`, u.api_key]),
    ),
  });

  return {
    emulator,
    host,
    transcript,
    providerText,
    inputs: (props, text = providerText) => ({ ...props, [PROVIDER_KEY]: text }),
    async freshProvider(target = host) {
      variants += 1;
      const settings = {
        ...hostConfigs.get(target),
        "vultr:maxRequestsPerSecond": String(1000 + variants),
      };
      await target.configure(settings, { secretKeys: ["vultr:apiKey"] });
      return `${providerText}\n// fresh provider instance ${variants}\n`;
    },
    urn: (name) => `urn:pulumi:dev::${PROJECT}::${RESOURCE_TYPE}::${name}`,
    startHost,
    secrets,
    async finish(extraSecrets = {}) {
      for (const h of hosts) transcript.add(`host output (${hosts.indexOf(h)})`, h.output());
      await Promise.all(hosts.map((h) => h.close()));
      await emulator.close();
      try {
        finishTranscript(transcript, { ...secrets(), ...extraSecrets });
      } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    },
  };
}

/** The outcome of one RPC: its result, or the message the user would see. */
export type Settled<T> = { ok: true; value: T } | { ok: false; message: string };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof ProviderHostError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The message of a step expected to fail; fails the test with the result otherwise. */
export function failureOf<T>(settled: Settled<T>): string {
  if (settled.ok)
    throw new Error(`expected the step to fail, it returned ${asJson(settled.value)}`);
  return settled.message;
}

/**
 * Check then Create of one resource, as the engine runs a new resource. Check reads the API (it
 * confirms the user exists), so it can fail two ways: its RPC fails (the client's message), or it
 * answers CheckFailures (`property: reason`, joined by "; "). Create runs only after a clean Check.
 */
export type Adoption =
  | { ok: true; value: { id: string; outs: Props } }
  | { ok: false; step: "check"; kind: "error" | "CheckFailure"; message: string }
  | { ok: false; step: "create"; kind: "error"; message: string };

export async function checkThenCreate(
  host: ProviderHost,
  urn: string,
  news: Props,
): Promise<Adoption> {
  const checked = await settle(host.check(urn, {}, news));
  if (!checked.ok) return { ok: false, step: "check", kind: "error", message: checked.message };
  const { failures, inputs } = checked.value;
  if (failures.length > 0) {
    const message = failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    return { ok: false, step: "check", kind: "CheckFailure", message };
  }
  const created = await settle(host.create(urn, inputs));
  return created.ok
    ? created
    : { ok: false, step: "create", kind: "error", message: created.message };
}

export function valueOf<T>(settled: Settled<T>): T {
  if (!settled.ok) throw new Error(`expected the step to succeed, it failed: ${settled.message}`);
  return settled.value;
}

function asJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
