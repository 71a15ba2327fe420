/**
 * Driving a UserApiKey through the real dynamic-provider host, as the engine does: the text the
 * SDK stores in `__provider` (the key shim), the URN it passes as `__urn`.
 */
import { keyShim } from "../../../sdk/provider-shim";
import { PROVIDER_KEY, serializeProvider, type ProviderHost } from "../../support/provider-host";
import type { EmulatedUser, SeedUser } from "../../../emulator";
import { PROJECT, ProviderFixture, type Props } from "../../support/lab";

export const KEY_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiKey";
export const DAY_S = 86_400;

export function keyUrn(name: string): string {
  return `urn:pulumi:test::${PROJECT}::${KEY_TYPE}::${name}`;
}

export interface KeyState {
  id: string;
  outs: Props;
  inputs: Props;
}

export class KeyDriver {
  private constructor(
    readonly fixture: ProviderFixture,
    readonly providerText: string,
  ) {}

  static async start(fixture: ProviderFixture): Promise<KeyDriver> {
    return new KeyDriver(fixture, await serializeProvider(keyShim));
  }

  news(name: string, inputs: Props): Props {
    return { [PROVIDER_KEY]: this.providerText, __urn: keyUrn(name), ...inputs };
  }

  check(host: ProviderHost, name: string, inputs: Props, olds: Props = {}) {
    return host.check(keyUrn(name), olds, this.news(name, inputs));
  }

  /** A first `up`: Check, then Create. */
  async create(host: ProviderHost, name: string, inputs: Props): Promise<KeyState> {
    const checked = await this.check(host, name, inputs);
    expect(checked.failures).toStrictEqual([]);
    const created = await host.create(keyUrn(name), checked.inputs);
    return { id: created.id, outs: created.outs, inputs: checked.inputs };
  }

  /** A preview of an existing key: Check, then Diff against the stored outputs. */
  async preview(host: ProviderHost, name: string, previous: KeyState, inputs: Props) {
    const checked = await this.check(host, name, inputs, previous.inputs);
    expect(checked.failures).toStrictEqual([]);
    const diff = await host.diff(previous.id, keyUrn(name), previous.outs, checked.inputs);
    return { inputs: checked.inputs, diff };
  }

  /** An `up` of an existing key: preview, then Update when the diff plans a change. */
  async up(host: ProviderHost, name: string, previous: KeyState, inputs: Props) {
    const { inputs: checked, diff } = await this.preview(host, name, previous, inputs);
    if (diff.changes === "DIFF_NONE") return { state: previous, diff };
    const updated = await host.update(previous.id, keyUrn(name), previous.outs, checked);
    return { state: { id: previous.id, outs: updated.outs, inputs: checked }, diff };
  }
}

/** Counts of the key routes in the emulator's request log. */
export function keyRequests(fixture: ProviderFixture): { list: number; post: number; del: number } {
  const routes = fixture.routes();
  const count = (route: string) => routes.filter((r) => r === route).length;
  return {
    list: count("GET /users/:id/apikeys"),
    post: count("POST /users/:id/apikeys"),
    del: count("DELETE /users/:id/apikeys/:apikey_id"),
  };
}

export interface KeySuite {
  readonly fixture: ProviderFixture;
  readonly keys: KeyDriver;
  /** The user this suite's keys belong to, seeded afresh before each test. */
  readonly ci: EmulatedUser;
  /** The suite's UserApiKey inputs: key "ci" of the user, 90 days, and `extra`. */
  declaration: (extra?: Props) => Props;
  /** A first `up` of resource "ci-key" in its own host; the request log cleared after it. */
  created: (extra?: Props) => Promise<KeyState>;
}

/**
 * The preamble of the UserApiKey host suites: one emulator and host fixture for the suite; before
 * each test a fresh account holding `user` (the clock back at Vultr's now, the key in the create
 * answer); after each, the hosts closed and faults cleared; after all, no clear key the emulator
 * ever held in anything the suite showed (outputs carry it only as `apiKey`).
 */
export function useKeySuite(user: SeedUser): KeySuite {
  let fixture: ProviderFixture | undefined;
  let keys: KeyDriver | undefined;
  let ci: EmulatedUser | undefined;
  const clearKeys: string[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the key suite's ${what} is not ready`);
    return value;
  };

  beforeAll(async () => {
    fixture = await ProviderFixture.start();
    keys = await KeyDriver.start(fixture);
  });

  beforeEach(() => {
    const { emulator } = need(fixture, "fixture");
    emulator.reset();
    emulator.setClockOffset(0);
    emulator.setBehaviour({ createKeyAnswer: "key" });
    [ci] = emulator.seedUsers([user]);
  });

  afterEach(async () => {
    const { emulator } = need(fixture, "fixture");
    for (const key of emulator.listApiKeys(need(ci, "user").id)) clearKeys.push(key.api_key);
    emulator.clearFaults();
    await need(fixture, "fixture").closeHosts();
  });

  afterAll(async () => {
    if (fixture === undefined) return;
    const shown = fixture.everythingShown().replace(/"apiKey":"[^"]*"/g, '"apiKey":"<secret>"');
    for (const key of clearKeys) expect(shown).not.toContain(key);
    await fixture.close();
  });

  const suite: KeySuite = {
    get fixture() {
      return need(fixture, "fixture");
    },
    get keys() {
      return need(keys, "key driver");
    },
    get ci() {
      return need(ci, "user");
    },
    declaration: (extra = {}) => ({ userId: suite.ci.id, name: "ci", lifetimeDays: 90, ...extra }),
    created: async (extra = {}) => {
      const host = await suite.fixture.startHost();
      const state = await suite.keys.create(host, "ci-key", suite.declaration(extra));
      await suite.fixture.closeHosts();
      suite.fixture.emulator.clearRequestLog();
      return state;
    },
  };
  return suite;
}
