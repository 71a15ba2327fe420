/**
 * A suite's emulator preamble: started before the suite's tests, closed after them, and (when
 * told) brought back to a known account before each test. What it returns stands for the running
 * emulator from the first hook on: every property is read from the emulator the suite started.
 */
import type { RunningEmulator } from "../../emulator";

export interface UseEmulatorOptions {
  /** Runs before each test, e.g. to reset the account. */
  beforeEach?: (emulator: RunningEmulator) => void;
}

export function useEmulator(
  start: () => Promise<RunningEmulator>,
  options: UseEmulatorOptions = {},
): RunningEmulator {
  let started: RunningEmulator | undefined;
  const running = (): RunningEmulator => {
    if (started === undefined) throw new Error("the suite's emulator has not started");
    return started;
  };
  beforeAll(async () => {
    started = await start();
  });
  afterAll(() => started?.close());
  const { beforeEach: before } = options;
  if (before !== undefined) beforeEach(() => before(running()));
  return new Proxy({} as RunningEmulator, {
    get(_, property) {
      const emulator = running();
      const value: unknown = Reflect.get(emulator, property, emulator);
      if (typeof value !== "function") return value;
      return (value as (...args: unknown[]) => unknown).bind(emulator);
    },
  });
}
