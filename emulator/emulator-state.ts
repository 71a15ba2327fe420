import { nonNegativeInteger, userChanges, userFromSeed } from "./control-input";
import { EmulatorInputError } from "./errors";
import { FaultBook } from "./faults";
import { cryptoRandom, seededRandom, type RandomSource } from "./random";
import { RateLimiter } from "./rate-limit";
import { RequestLog } from "./request-log";
import { generateUsers } from "./seed-data";
import { UserStore } from "./store";
import type {
  Counters,
  EmulatedUser,
  EmulatorControl,
  FaultSpec,
  RequestLogEntry,
  SeedUser,
} from "./types";

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
  private latency: number;

  constructor(
    readonly ownerKey: string,
    settings: { latencyMs: number; rateLimitPerSecond: number },
  ) {
    if (ownerKey.length === 0) throw new EmulatorInputError("The owner key must not be empty.");
    this.latency = nonNegativeInteger(settings.latencyMs, "latencyMs");
    this.limiter = new RateLimiter(
      nonNegativeInteger(settings.rateLimitPerSecond, "rateLimitPerSecond"),
    );
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
    const batch = Array.isArray(users)
      ? users.map((user) => userFromSeed(user, random))
      : generateUsers(nonNegativeInteger(users, "The user count"), random, {
          hasId: (id) => this.users.hasId(id),
          hasEmail: (email) => this.users.hasEmail(email),
          hasApiKey: (key) => key === this.ownerKey || this.users.hasApiKey(key),
        });
    return this.addAll(batch);
  }

  listUsers(): EmulatedUser[] {
    return this.users.list();
  }

  getUser(id: string): EmulatedUser | undefined {
    return this.users.get(id);
  }

  setUser(id: string, fields: Partial<Omit<EmulatedUser, "id">>): EmulatedUser {
    const changes = userChanges(fields);
    if (changes.api_key === this.ownerKey) throw ownerKeyReused();
    return this.users.update(id, changes);
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
