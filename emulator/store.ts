import { derivedKeyId, FIRST_KEY_NAME } from "./api-keys";
import { EmulatorInputError, UnknownUserError } from "./errors";
import type { EmulatedApiKey, EmulatedUser } from "./types";

/** A user with its place in the account's list, which cursors point at. */
export interface ListedUser {
  readonly seq: number;
  readonly user: EmulatedUser;
}

export type UserChanges = Partial<Omit<EmulatedUser, "id">>;

/** A valid key and whose it is. */
export interface KeyHolder {
  user: EmulatedUser;
  key: EmulatedApiKey;
}

/**
 * The account's users in creation order. Everything handed out is a copy, so no caller can
 * change a user except through `add`, `update` and `delete`, which keep ids, emails (ignoring
 * case, as addresses are in practice) and API keys (every key of every user) unique.
 */
export class UserStore {
  private readonly users = new Map<string, { seq: number; user: EmulatedUser }>();
  // Indexes, so auth and seeding stay O(1) per user in accounts with many thousands of users.
  private readonly idByEmail = new Map<string, string>();
  private readonly idByApiKey = new Map<string, string>();
  private nextSeq = 1;

  add(user: EmulatedUser): EmulatedUser {
    if (this.users.has(user.id)) throw new EmulatorInputError(`User id ${user.id} already exists.`);
    const stored = withConsistentKeys(copyUser(user), user.api_key);
    this.assertUnique(stored, undefined);
    this.users.set(stored.id, { seq: this.nextSeq++, user: stored });
    this.index(stored);
    return copyUser(stored);
  }

  get(id: string): EmulatedUser | undefined {
    const entry = this.users.get(id);
    return entry === undefined ? undefined : copyUser(entry.user);
  }

  /** Like `get`, for callers that need the user: throws when it is unknown. */
  require(id: string): EmulatedUser {
    const user = this.get(id);
    if (user === undefined) throw new UnknownUserError(id);
    return user;
  }

  list(): EmulatedUser[] {
    return [...this.users.values()].map((entry) => copyUser(entry.user));
  }

  /** Users with their list positions, in list order. */
  listed(): ListedUser[] {
    return [...this.users.values()].map(({ seq, user }) => ({ seq, user: copyUser(user) }));
  }

  /**
   * `api_keys` replaces the key list; `api_key` (the first key, kept for callers from before
   * users had several keys) replaces the first key's value, or becomes the first key.
   */
  update(id: string, changes: UserChanges): EmulatedUser {
    const entry = this.users.get(id);
    if (entry === undefined) throw new UnknownUserError(id);
    const merged = copyUser({ ...entry.user, ...changes, id });
    const updated = withConsistentKeys(merged, changes.api_key);
    this.assertUnique(updated, id);
    this.unindex(entry.user);
    entry.user = updated;
    this.index(updated);
    return copyUser(updated);
  }

  delete(id: string): boolean {
    const entry = this.users.get(id);
    if (entry === undefined) return false;
    this.unindex(entry.user);
    return this.users.delete(id);
  }

  /** The user holding this key (any of its keys), whatever state user and key are in. */
  findByApiKey(apiKey: string): KeyHolder | undefined {
    const id = this.idByApiKey.get(apiKey);
    const user = id === undefined ? undefined : this.get(id);
    const key = user?.api_keys.find((candidate) => candidate.api_key === apiKey);
    return user === undefined || key === undefined ? undefined : { user, key };
  }

  hasId(id: string): boolean {
    return this.users.has(id);
  }

  hasEmail(email: string, exceptId?: string): boolean {
    const owner = this.idByEmail.get(email.toLowerCase());
    return owner !== undefined && owner !== exceptId;
  }

  hasApiKey(apiKey: string): boolean {
    return this.idByApiKey.has(apiKey);
  }

  clear(): void {
    this.users.clear();
    this.idByEmail.clear();
    this.idByApiKey.clear();
  }

  private assertUnique(user: EmulatedUser, exceptId: string | undefined): void {
    if (this.hasEmail(user.email, exceptId)) {
      throw new EmulatorInputError(`A user with email ${user.email} already exists.`);
    }
    const values = user.api_keys.map((key) => key.api_key);
    if (new Set(values).size !== values.length) {
      throw new EmulatorInputError("A user's API keys must differ from each other.");
    }
    if (new Set(user.api_keys.map((key) => key.id)).size !== values.length) {
      throw new EmulatorInputError("A user's API key ids must differ from each other.");
    }
    for (const value of values) {
      const keyOwner = this.idByApiKey.get(value);
      if (keyOwner !== undefined && keyOwner !== exceptId) {
        throw new EmulatorInputError("Another user already has this API key.");
      }
    }
  }

  private index(user: EmulatedUser): void {
    this.idByEmail.set(user.email.toLowerCase(), user.id);
    for (const key of user.api_keys) this.idByApiKey.set(key.api_key, user.id);
  }

  private unindex(user: EmulatedUser): void {
    this.idByEmail.delete(user.email.toLowerCase());
    for (const key of user.api_keys) this.idByApiKey.delete(key.api_key);
  }
}

/** `api_key` always mirrors the first key; a wanted first-key value is applied first. */
function withConsistentKeys(user: EmulatedUser, firstKey: string | undefined): EmulatedUser {
  const keys = user.api_keys;
  if (firstKey !== undefined && firstKey !== "" && keys[0]?.api_key !== firstKey) {
    const [first, ...rest] = keys;
    user.api_keys =
      first === undefined
        ? [newFirstKey(user.id, firstKey)]
        : [{ ...first, api_key: firstKey }, ...rest];
  }
  user.api_key = user.api_keys[0]?.api_key ?? "";
  return user;
}

function newFirstKey(userId: string, value: string): EmulatedApiKey {
  return {
    id: derivedKeyId(userId, value),
    api_key: value,
    name: FIRST_KEY_NAME,
    expire: false,
    date_expire: "",
  };
}

function copyUser(user: EmulatedUser): EmulatedUser {
  return {
    ...user,
    acls: [...user.acls],
    api_keys: user.api_keys.map((key) => ({ ...key })),
    ip_whitelist: user.ip_whitelist.map((entry) => ({ ...entry })),
  };
}
