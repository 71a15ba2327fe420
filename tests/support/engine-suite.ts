/**
 * The preamble of the provider suites that listen as the engine: a provider fixture, and a real
 * gRPC engine service on loopback that receives what the provider logs (fake-engine.ts); both
 * started before the suite and closed after it, the engine's log emptied before each test.
 */
import type { EmulatedUser } from "../../emulator";
import { startFakeEngine, type FakeEngine } from "./fake-engine";
import type { ProviderHost } from "./provider-host";
import { ProviderFixture, type UseFixtureOptions } from "./provider-fixture";

export interface EngineSuite {
  fixture: ProviderFixture;
  readonly engine: FakeEngine;
  /** A user seeded into the emulator, named `name`, at `<name>@example.com`. */
  seed: (name: string, apiEnabled: boolean) => EmulatedUser;
  /** How the provider names a user: `email (id)`. */
  who: (user: { id: string; email: string }) => string;
  /**
   * What the engine received, as "SEVERITY name: message"; forgotten once read unless `keep`.
   */
  logged: (options?: { keep?: boolean }) => string[];
  /** A fresh provider process that logs to the engine. */
  host: () => Promise<ProviderHost>;
}

export function useEngineSuite(options: UseFixtureOptions = {}): EngineSuite {
  const fixture = ProviderFixture.use(options);
  let started: FakeEngine | undefined;
  const engine = (): FakeEngine => {
    if (started === undefined) throw new Error("the engine has not started");
    return started;
  };
  beforeAll(async () => {
    started = await startFakeEngine();
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    engine().received.length = 0;
  });
  return {
    fixture,
    get engine() {
      return engine();
    },
    seed: (name, apiEnabled) => {
      const [user] = fixture.emulator.seedUsers([
        { email: `${name}@example.com`, name, api_enabled: apiEnabled },
      ]);
      if (user === undefined) throw new Error("seeding failed");
      return user;
    },
    who: (user) => `${user.email} (${user.id})`,
    logged: ({ keep = false } = {}) => {
      const lines = engine().received.map(
        (log) => `${log.severity} ${log.urn.split("::").pop() ?? ""}: ${log.message}`,
      );
      if (!keep) engine().received.length = 0;
      return lines;
    },
    host: () => fixture.startHost({ engineAddress: engine().address }),
  };
}
