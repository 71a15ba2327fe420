/**
 * What every client suite needs: an emulator on loopback, a client pointed at it with a tiny
 * backoff (tests stay fast without faking time), and the request log as `"METHOD /path"` lines.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { Pacer } from "../../provider/client/pacer";
import { CLIENT_DEFAULTS, type ClientSettings } from "../../provider/client/types";
import { VultrUsersClient, type ClientHooks } from "../../provider/client/users-client";

export const ALICE = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";
export const BOB = "0f2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
/** A sub-user who may use the API but may not manage users. */
export const CAROL = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
export const CAROL_KEY = "CAROLKEY0000000000000000000000000001";

/** The account of most client tests: the owner plus three users. */
export const SEED_USERS = [
  { id: ALICE, email: "alice@example.com", name: "Alice", api_enabled: true, acls: ["billing"] },
  { id: BOB, email: "bob@example.com", name: "Bob", api_enabled: false, acls: [] },
  {
    id: CAROL,
    email: "carol@example.com",
    name: "Carol",
    api_enabled: true,
    acls: ["subscriptions_view"],
    api_key: CAROL_KEY,
  },
];

/** An owner key that a leak would make obvious in any text. */
export const OWNER_KEY = "OWNERKEYSECRET7Q2W3E4R5T6Y7U8I9O0P1A";

/** Fast retries: the behaviour is the same as in production, only the waits are short. */
export const FAST_RETRIES = {
  retryBaseMs: 5,
  retryMaxMs: 50,
  timeoutMs: 2_000,
} satisfies Partial<ClientSettings>;

/** An emulator with the seed account and no rate limit, unless the suite asks otherwise. */
export function startAccount(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    ownerKey: OWNER_KEY,
    users: SEED_USERS,
    rateLimitPerSecond: 0,
    ...options,
  });
}

/** Back to the seed account: no faults, an empty request log, a quiet rate-limit window. */
export function resetAccount(emulator: RunningEmulator): void {
  emulator.reset();
  emulator.seedUsers(SEED_USERS);
}

export interface ClientOptions extends Partial<ClientSettings> {
  /** The pacer; by default one fast enough never to matter. */
  pacer?: Pacer;
  onRetry?: ClientHooks["onRetry"];
}

export function clientFor(
  emulator: RunningEmulator,
  { pacer, onRetry, ...settings }: ClientOptions = {},
): VultrUsersClient {
  return new VultrUsersClient(
    {
      ...CLIENT_DEFAULTS,
      ...FAST_RETRIES,
      apiKey: emulator.ownerKey,
      endpoint: emulator.baseUrl,
      ...settings,
    },
    {
      pacer: pacer ?? new Pacer({ ratePerSecond: 10_000, burst: 10_000 }),
      ...(onRetry === undefined ? {} : { onRetry }),
    },
  );
}

/** The `/v2` requests the emulator received, as `"GET /users/…"` lines in arrival order. */
export function requestLines(emulator: RunningEmulator): string[] {
  return emulator.requestLog().map((entry) => `${entry.method} ${entry.path}`);
}

/** The rejection of a promise that must fail; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error("expected the call to fail, but it succeeded");
}
