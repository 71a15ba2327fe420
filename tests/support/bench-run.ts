/**
 * The preamble of the budget suites that run one of the benchmark's own runs at small scale: the
 * emulator (no latency; Vultr's 30/s limit, which the provider's pacing must never meet) and a
 * host directory, the run done once before the suite's tests, the emulator closed after them.
 * Needs `npm run build`: the serialized provider loads the built package, as it does in a stack.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import { prepareHostDirectory } from "../../bench/fleet";
import { serializeProvider } from "./provider-host";

export interface BenchRunSetup {
  emulator: RunningEmulator;
  hostDirectory: string;
  providerText: string;
}

export interface BenchRun<R extends { scenario: string }> {
  readonly emulator: RunningEmulator;
  readonly results: R[];
  /** The result of one scenario; fails the test when the run did not record it. */
  scenario: (name: R["scenario"]) => R;
}

export function useBenchRun<R extends { scenario: string }>(
  shim: Parameters<typeof serializeProvider>[0],
  run: (setup: BenchRunSetup) => Promise<R[]>,
): BenchRun<R> {
  let emulator: RunningEmulator | undefined;
  let results: R[] | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 0, rateLimitPerSecond: 30 });
    const hostDirectory = await prepareHostDirectory();
    try {
      results = await run({
        emulator,
        hostDirectory: hostDirectory.path,
        providerText: await serializeProvider(shim),
      });
    } finally {
      await hostDirectory.remove();
    }
  }, 240_000);
  afterAll(async () => {
    await emulator?.close();
  });
  const recorded = (): R[] => {
    if (results === undefined) throw new Error("the benchmark run has not finished");
    return results;
  };
  return {
    get emulator() {
      if (emulator === undefined) throw new Error("the benchmark's emulator has not started");
      return emulator;
    },
    get results() {
      return recorded();
    },
    scenario: (name) => {
      const found = recorded().find((r) => r.scenario === name);
      if (found === undefined) throw new Error(`no ${name} result`);
      return found;
    },
  };
}
