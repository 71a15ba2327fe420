import type { Account } from "./account";
import { checkedClientAddress, DEFAULT_BEHAVIOUR, withBehaviour } from "./behaviour";
import { EmulatorClock } from "./clock";
import { nonNegativeInteger, userChanges, userFromSeed } from "./control-input";
import { allowlistFromInput, apiKeyFromInput } from "./control-records";
import { EmulatorInputError } from "./errors";
import { FaultBook } from "./faults";
import { cryptoRandom, seededRandom, type RandomSource } from "./random";
import { RateLimiter } from "./rate-limit";
import { RequestLog } from "./request-log";
import { generateUsers } from "./seed-data";
import { UserStore } from "./store";
import type {
  AllowlistEntry,
  AllowlistEntryInput,
  ApiBehaviour,
  Counters,
  EmulatedApiKey,
  EmulatedUser,
  EmulatorControl,
  FaultSpec,
  NewApiKey,
  RequestLogEntry,
  SeedUser,
} from "./types";
import { isoSeconds, seedAnchor } from "./user-profile";

/** Vultr's documented limit. */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 30;

/** The account and the knobs around it; the HTTP server and the control plane share one. */
export class EmulatorState implements EmulatorControl {
  readonly users = new UserStore();
  readonly faults = new FaultBook();
  readonly log = new RequestLog();
  readonly limiter: RateLimiter;
  /** Keys and ids of users created through the API are never predictable. */
  readonly random: RandomSource = cryptoRandom();
  readonly clock: EmulatorClock;
  private latency: number;
  private knobs: ApiBehaviour;
  private client: string | undefined;

  constructor(
    readonly ownerKey: string,
    settings: {
      latencyMs: number;
      rateLimitPerSecond: number;
      behaviour?: Partial<ApiBehaviour>;
      clientAddress?: string | undefined;
      clockOffsetSeconds?: number | undefined;
    },
  ) {
    if (ownerKey.length === 0) throw new EmulatorInputError("The owner key must not be empty.");
    this.latency = nonNegativeInteger(settings.latencyMs, "latencyMs");
    this.limiter = new RateLimiter(
      nonNegativeInteger(settings.rateLimitPerSecond, "rateLimitPerSecond"),
    );
    this.knobs = withBehaviour(DEFAULT_BEHAVIOUR, settings.behaviour ?? {});
    this.client = checkedClientAddress(settings.clientAddress);
    this.clock = new EmulatorClock(settings.clockOffsetSeconds ?? 0);
  }

  /** What one API request arriving at `now` (on the emulator's clock) sees. */
  account(now: number): Account {
    return {
      ownerKey: this.ownerKey,
      users: this.users,
      random: this.random,
      behaviour: this.knobs,
      clientAddress: this.client,
      now,
    };
  }

  get latencyMs(): number {
    return this.latency;
  }

  get rateLimitPerSecond(): number {
    return this.limiter.limit;
  }

  seedUsers(users: number | SeedUser[], seed?: number): EmulatedUser[] {
    const random =
      seed === undefined ? cryptoRandom() : seededRandom(nonNegativeInteger(seed, "seed"));
    const anchor = seedAnchor(this.clock.now());
    const batch = Array.isArray(users)
      ? users.map((user) => userFromSeed(user, random, anchor))
      : generateUsers(
          nonNegativeInteger(users, "The user count"),
          random,
          {
            hasId: (id) => this.users.hasId(id),
            hasEmail: (email) => this.users.hasEmail(email),
            hasApiKey: (key) => key === this.ownerKey || this.users.hasApiKey(key),
          },
          anchor,
        );
    return this.addAll(batch);
  }

  listUsers(): EmulatedUser[] {
    return this.users.list();
  }

  getUser(id: string): EmulatedUser | undefined {
    return this.users.get(id);
  }

  setUser(id: string, fields: Partial<Omit<EmulatedUser, "id">>): EmulatedUser {
    const changes = userChanges(fields, this.random, this.clock.now());
    if (changes.api_key === this.ownerKey) throw ownerKeyReused();
    if (changes.api_keys?.some((key) => key.api_key === this.ownerKey)) throw ownerKeyReused();
    return this.users.update(id, changes);
  }

  listApiKeys(userId: string): EmulatedApiKey[] {
    return this.users.require(userId).api_keys;
  }

  addApiKey(userId: string, key: NewApiKey = {}): EmulatedApiKey {
    const user = this.users.require(userId);
    const added = apiKeyFromInput(key, this.random);
    if (key.api_key === undefined) {
      while (added.api_key === this.ownerKey || this.users.hasApiKey(added.api_key)) {
        added.api_key = this.random.apiKey();
      }
    }
    if (added.api_key === this.ownerKey) throw ownerKeyReused();
    this.users.update(userId, { api_keys: [...user.api_keys, added] });
    return { ...added };
  }

  removeApiKey(userId: string, keyId: string): boolean {
    const user = this.users.require(userId);
    const kept = user.api_keys.filter((key) => key.id !== keyId);
    if (kept.length === user.api_keys.length) return false;
    this.users.update(userId, { api_keys: kept });
    return true;
  }

  getAllowlist(userId: string): AllowlistEntry[] {
    return this.users.require(userId).ip_whitelist;
  }

  setAllowlist(userId: string, entries: AllowlistEntryInput[]): AllowlistEntry[] {
    this.users.require(userId);
    const allowlist = allowlistFromInput(entries, isoSeconds(this.clock.now()));
    return this.users.update(userId, { ip_whitelist: allowlist }).ip_whitelist;
  }

  behaviour(): ApiBehaviour {
    return { ...this.knobs };
  }

  setBehaviour(changes: Partial<ApiBehaviour>): ApiBehaviour {
    this.knobs = withBehaviour(this.knobs, changes);
    return this.behaviour();
  }

  setPatchStatus(status: 204 | 202): void {
    this.setBehaviour({ patchStatus: status });
  }

  setClientAddress(address: string | undefined): void {
    this.client = checkedClientAddress(address);
  }

  getClientAddress(): string | undefined {
    return this.client;
  }

  deleteUser(id: string): boolean {
    return this.users.delete(id);
  }

  addFault(fault: FaultSpec): string {
    return this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestLog(): RequestLogEntry[] {
    return this.log.list();
  }

  clearRequestLog(): void {
    this.log.clear();
  }

  counters(): Counters {
    return this.log.counters();
  }

  setLatency(ms: number): void {
    this.latency = nonNegativeInteger(ms, "latencyMs");
  }

  now(): number {
    return this.clock.now();
  }

  clockOffsetSeconds(): number {
    return this.clock.offsetSeconds;
  }

  /** A jump of the clock would leave the rate-limit window with times on the other side of it. */
  setClockOffset(seconds: number): void {
    this.clock.setOffsetSeconds(seconds);
    this.limiter.forget();
  }

  setRateLimit(perSecond: number): void {
    this.limiter.setLimit(nonNegativeInteger(perSecond, "rateLimitPerSecond"));
  }

  reset(): void {
    this.users.clear();
    this.faults.clear();
    this.log.clear();
    this.limiter.forget();
  }

  /** All or nothing: a batch with one bad user leaves the account as it was. */
  private addAll(batch: EmulatedUser[]): EmulatedUser[] {
    const added: EmulatedUser[] = [];
    try {
      for (const user of batch) {
        if (user.api_key === this.ownerKey) throw ownerKeyReused();
        added.push(this.users.add(user));
      }
    } catch (error) {
      for (const user of added) this.users.delete(user.id);
      throw error;
    }
    return added;
  }
}

function ownerKeyReused(): EmulatorInputError {
  return new EmulatorInputError("A user's API key cannot be the account owner's key.");
}
