import { DEFAULT_RATE_LIMIT_PER_SECOND, EmulatorState } from "./emulator-state";
import { cryptoRandom } from "./random";
import { API_PREFIX, CONTROL_PREFIX, listen } from "./server";
import type { EmulatorOptions, RunningEmulator } from "./types";

export { ACL_VALUES } from "./acls";
export { EmulatorInputError, UnknownUserError } from "./errors";
export type {
  AllowlistEntry,
  AllowlistEntryInput,
  ApiBehaviour,
  Counters,
  EmulatedApiKey,
  EmulatedUser,
  EmulatorControl,
  EmulatorOptions,
  FaultKind,
  FaultSpec,
  NewApiKey,
  RequestLogEntry,
  RunningEmulator,
  SeedUser,
  UserStatus,
} from "./types";
export { isLoopbackAddress } from "./address-policy";

/**
 * Starts a Vultr users API emulator on loopback: the API under `baseUrl`, the control plane
 * (seeding, drift, faults, request log) under `controlUrl`.
 *
 * @example
 * const emulator = await startEmulator({ users: 250, seed: 7 });
 * process.env.VULTR_API_ENDPOINT = emulator.baseUrl;
 * process.env.VULTR_API_KEY = emulator.ownerKey;
 * // ...
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = new EmulatorState(options.ownerKey ?? cryptoRandom().apiKey(), {
    latencyMs: options.latencyMs ?? 0,
    rateLimitPerSecond: options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND,
    behaviour: options,
    clientAddress: options.clientAddress,
    clockOffsetSeconds: options.clockOffsetSeconds,
  });
  if (options.users !== undefined) state.seedUsers(options.users, options.seed);
  const host = options.host ?? "127.0.0.1";
  const server = await listen(state, host, options.port ?? 0);
  const origin = `http://${urlHost(host)}:${server.port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    controlUrl: `${origin}${CONTROL_PREFIX}`,
    ownerKey: state.ownerKey,
    port: server.port,
    close: () => server.close(),
    seedUsers: (users, seed) => state.seedUsers(users, seed),
    listUsers: () => state.listUsers(),
    getUser: (id) => state.getUser(id),
    setUser: (id, fields) => state.setUser(id, fields),
    deleteUser: (id) => state.deleteUser(id),
    addFault: (fault) => state.addFault(fault),
    clearFaults: () => state.clearFaults(),
    requestLog: () => state.requestLog(),
    clearRequestLog: () => state.clearRequestLog(),
    counters: () => state.counters(),
    setLatency: (ms) => state.setLatency(ms),
    setRateLimit: (perSecond) => state.setRateLimit(perSecond),
    now: () => state.now(),
    clockOffsetSeconds: () => state.clockOffsetSeconds(),
    setClockOffset: (seconds) => state.setClockOffset(seconds),
    reset: () => state.reset(),
    behaviour: () => state.behaviour(),
    setBehaviour: (changes) => state.setBehaviour(changes),
    setPatchStatus: (status) => state.setPatchStatus(status),
    setClientAddress: (address) => state.setClientAddress(address),
    getClientAddress: () => state.getClientAddress(),
    listApiKeys: (userId) => state.listApiKeys(userId),
    addApiKey: (userId, key) => state.addApiKey(userId, key),
    removeApiKey: (userId, keyId) => state.removeApiKey(userId, keyId),
    getAllowlist: (userId) => state.getAllowlist(userId),
    setAllowlist: (userId, entries) => state.setAllowlist(userId, entries),
  };
}

/** A wildcard address is reachable at loopback; an IPv6 literal needs brackets in a URL. */
function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
