import { EmulatorInputError, UnknownUserError } from "./errors";
import type { EmulatedUser } from "./types";

/** A user with its place in the account's list, which cursors point at. */
export interface ListedUser {
  readonly seq: number;
  readonly user: EmulatedUser;
}

export type UserChanges = Partial<Omit<EmulatedUser, "id">>;

/**
 * The account's users in creation order. Everything handed out is a copy, so no caller can
 * change a user except through `add`, `update` and `delete`, which keep ids, emails (ignoring
 * case, as addresses are in practice) and API keys unique.
 */
export class UserStore {
  private readonly users = new Map<string, { seq: number; user: EmulatedUser }>();
  // Indexes, so auth and seeding stay O(1) per user in accounts with many thousands of users.
  private readonly idByEmail = new Map<string, string>();
  private readonly idByApiKey = new Map<string, string>();
  private nextSeq = 1;

  add(user: EmulatedUser): EmulatedUser {
    if (this.users.has(user.id)) throw new EmulatorInputError(`User id ${user.id} already exists.`);
    this.assertUnique(user, undefined);
    const stored = copyUser(user);
    this.users.set(stored.id, { seq: this.nextSeq++, user: stored });
    this.index(stored);
    return copyUser(stored);
  }

  get(id: string): EmulatedUser | undefined {
    const entry = this.users.get(id);
    return entry === undefined ? undefined : copyUser(entry.user);
  }

  list(): EmulatedUser[] {
    return [...this.users.values()].map((entry) => copyUser(entry.user));
  }

  /** Users with their list positions, in list order. */
  listed(): ListedUser[] {
    return [...this.users.values()].map(({ seq, user }) => ({ seq, user: copyUser(user) }));
  }

  update(id: string, changes: UserChanges): EmulatedUser {
    const entry = this.users.get(id);
    if (entry === undefined) throw new UnknownUserError(id);
    const updated = copyUser({ ...entry.user, ...changes, id });
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

  findByApiKey(apiKey: string): EmulatedUser | undefined {
    const id = this.idByApiKey.get(apiKey);
    return id === undefined ? undefined : this.get(id);
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
    const keyOwner = this.idByApiKey.get(user.api_key);
    if (keyOwner !== undefined && keyOwner !== exceptId) {
      throw new EmulatorInputError("Another user already has this API key.");
    }
  }

  private index(user: EmulatedUser): void {
    this.idByEmail.set(user.email.toLowerCase(), user.id);
    this.idByApiKey.set(user.api_key, user.id);
  }

  private unindex(user: EmulatedUser): void {
    this.idByEmail.delete(user.email.toLowerCase());
    this.idByApiKey.delete(user.api_key);
  }
}

function copyUser(user: EmulatedUser): EmulatedUser {
  return { ...user, acls: [...user.acls] };
}
