/**
 * One `pulumi` command, measured: a fresh provider host (the engine starts one per command),
 * configured from the stack config, driven by the simulated engine, with the emulator's request
 * log, the wall time and the host's peak memory taken around it.
 */
import type { RunningEmulator } from "../emulator";
import { startProviderHost, type ProviderHost } from "../tests/support/provider-host";
import { SimulatedEngine, type OperationOutcome } from "./engine";
import { peakRssBytes, tallyRequests, type RequestTally } from "./measure";

/** The limiter counts requests over the last second: a command starts after a quiet one. */
const QUIET_WINDOW_MS = 1_050;

let lastTrafficAt = 0;

export type Operation = (engine: SimulatedEngine) => Promise<OperationOutcome>;

export interface CommandOptions {
  emulator: RunningEmulator;
  /** Where the provider host runs (see prepareHostDirectory). */
  hostDirectory: string;
  /** Create, Update, Read and Delete steps in flight at once. */
  parallel: number;
  operation: Operation;
  /** More plain stack config (the floor's list of drifted users). */
  extraConfig?: Record<string, string>;
  /** Runs in the same host after the measurement (uncounted): re-running failed steps. */
  after?: (engine: SimulatedEngine, outcome: OperationOutcome) => Promise<void>;
}

export interface CommandMeasurement {
  outcome: OperationOutcome;
  requests: RequestTally;
  /** From Configure to the last step's answer (the host's start-up is not included). */
  wallMs: number;
  /** The host's VmHWM when the command ended; undefined without /proc. */
  peakRssBytes: number | undefined;
  /** The host's VmHWM as it started, before any provider code loaded. */
  startRssBytes: number | undefined;
}

export async function measureCommand(options: CommandOptions): Promise<CommandMeasurement> {
  const { emulator } = options;
  const host = await startProviderHost({
    cwd: options.hostDirectory,
    env: hostEnvironment(),
    project: "bench",
    // On a loaded machine the host can take more than the default 10 s to start; its start is
    // not part of the wall time.
    startTimeoutMs: 60_000,
    // A step may queue behind many others for the pacer.
    rpcTimeoutMs: 600_000,
  });
  try {
    const startRssBytes = await peakRssBytes(host.pid);
    await quietWindow();
    emulator.clearRequestLog();
    const started = performance.now();
    await configure(host, emulator, options.extraConfig);
    const engine = new SimulatedEngine(host, { parallel: options.parallel });
    const outcome = await options.operation(engine);
    const wallMs = performance.now() - started;
    const requests = tallyRequests(emulator);
    const peak = await peakRssBytes(host.pid);
    lastTrafficAt = Date.now();
    if (options.after !== undefined) {
      try {
        await options.after(engine, outcome);
      } finally {
        lastTrafficAt = Date.now();
      }
    }
    return { outcome, requests, wallMs, peakRssBytes: peak, startRssBytes };
  } finally {
    await host.close();
  }
}

/**
 * The key is a stack secret, the endpoint plain config, as `pulumi config set` stores them;
 * `extra` is more plain config (the floor's list of drifted users).
 */
export async function configure(
  host: ProviderHost,
  emulator: RunningEmulator,
  extra: Record<string, string> = {},
): Promise<void> {
  await host.configure(
    { ...extra, "vultr:apiKey": emulator.ownerKey, "vultr:apiEndpoint": emulator.baseUrl },
    { secretKeys: ["vultr:apiKey"] },
  );
}

/** This environment without VULTR_* settings, so only the stack config configures providers. */
export function hostEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("VULTR_")),
  );
}

async function quietWindow(): Promise<void> {
  const wait = lastTrafficAt + QUIET_WINDOW_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
