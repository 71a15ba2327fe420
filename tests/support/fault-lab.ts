/**
 * The fault suites' front end of the workbench: one host for the suite (more on demand, all closed
 * with the lab), a transcript of everything the suite saw, saved and scanned for every API key the
 * account holds when the lab finishes.
 */
import type { RunningEmulator, SeedUser } from "../../emulator";
import { PROVIDER_KEY, type ProviderHost } from "./provider-host";
import { finishTranscript, Transcript } from "./transcript";
import { bareHostEnv, emulatorConfig, RESOURCE_TYPE, Workbench, type Props } from "./workbench";

export const FAULTS_PROJECT = "faults";

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

export async function startLab(suite: string, options: LabOptions = {}): Promise<Lab> {
  const transcript = new Transcript(suite);
  const workbench = await Workbench.start({
    emulator: {
      ...(options.users === undefined ? {} : { users: options.users }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      rateLimitPerSecond: options.rateLimitPerSecond ?? 30,
    },
    project: FAULTS_PROJECT,
    scratchPrefix: `faults-${suite}`,
  });
  const { emulator, hosts, programDir, provider: providerText } = workbench;
  // Users deleted during a test keep their keys in the scan.
  const seededUsers = emulator.listUsers();
  transcript.track(programDir);
  const config: Record<string, string> = options.config?.(emulator) ?? emulatorConfig(emulator);
  const hostConfigs = new Map<ProviderHost, Record<string, string>>();
  const configuredKeys: string[] = [];
  const startHost: Lab["startHost"] = async (overrides = {}) => {
    const hostConfig = overrides.config ?? config;
    const env = bareHostEnv(overrides.env ?? options.env);
    for (const key of [hostConfig["vultr:apiKey"], env["VULTR_API_KEY"]]) {
      if (key !== undefined) configuredKeys.push(key);
    }
    const host = await workbench.startHost({
      env,
      config: hostConfig,
      ...(overrides.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: overrides.rpcTimeoutMs }),
    });
    hostConfigs.set(host, hostConfig);
    return host;
  };
  const host = await startHost();
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
    urn: (name) => `urn:pulumi:dev::${FAULTS_PROJECT}::${RESOURCE_TYPE}::${name}`,
    startHost,
    secrets,
    async finish(extraSecrets = {}) {
      for (const h of hosts) transcript.add(`host output (${hosts.indexOf(h)})`, h.output());
      await workbench.close(() => finishTranscript(transcript, { ...secrets(), ...extraSecrets }));
    },
  };
}

/** The matrices' lab settings: fast retries, and the emulator's rate limit off. */
export const FAST_LAB = { env: { ...FAST_SETTINGS }, rateLimitPerSecond: 0 } as const;

export interface UseLabOptions extends LabOptions {
  /** Keys the final scan looks for besides `secrets()`. */
  extraSecrets?: Record<string, string>;
  /** Runs as the suite ends, before the lab finishes (its last look at a running lab). */
  beforeFinish?: (lab: Lab) => void;
}

/**
 * A fault suite's preamble: starts the lab before its tests (`beforeAll`) and finishes it after
 * them (`afterAll`: hosts stopped, transcript saved and scanned). The lab it returns may be used
 * in tests and hooks only, once started.
 */
export function useLab(suite: string, options: UseLabOptions = {}): Lab {
  let started: Lab | undefined;
  const lab = (): Lab => {
    if (started === undefined) throw new Error(`the ${suite} lab is used before it started`);
    return started;
  };
  beforeAll(async () => {
    started = await startLab(suite, options);
  });
  afterAll(async () => {
    options.beforeFinish?.(lab());
    await lab().finish(options.extraSecrets);
  });
  return {
    get emulator() {
      return lab().emulator;
    },
    get host() {
      return lab().host;
    },
    get transcript() {
      return lab().transcript;
    },
    get providerText() {
      return lab().providerText;
    },
    inputs: (props, text) => lab().inputs(props, text),
    freshProvider: (host) => lab().freshProvider(host),
    urn: (name) => lab().urn(name),
    startHost: (overrides) => lab().startHost(overrides),
    secrets: () => lab().secrets(),
    finish: (extraSecrets) => lab().finish(extraSecrets),
  };
}
