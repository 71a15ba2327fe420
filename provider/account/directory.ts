/**
 * The directory: live reads of users at the cost of one list.
 *
 * The engine calls check and diff one resource at a time (pulumi/pulumi#12351), so a GET per
 * diff costs one round trip per resource. The directory serves reads from a snapshot of the list
 * endpoint (500 users a page), collapses concurrent loads into one, keeps the snapshot for a
 * bounded time, and updates entries after each successful PATCH.
 *
 * Budget: for k resources over T users, at most min(k, ⌈T/500⌉) + 1 requests. The first read
 * loads page one (learning T); after that, when the program declared fewer resources than pages
 * remain, single GETs are cheaper than reading the rest of the list.
 */
import { VultrError } from "../client/errors";
import { MAX_PER_PAGE } from "../client/users-client";
import type { UsersPage, VultrUser } from "../client/types";
import { normalizeEmail } from "./naming";
import { isVultrUserId } from "../values/user-id";

export interface UserSource {
  listUsersPage(options: { perPage?: number; cursor?: string }): Promise<UsersPage>;
  findUser(userId: string): Promise<VultrUser | undefined>;
}

export interface DirectoryOptions {
  /**
   * How long a snapshot serves reads. A provider process lives for one engine pass, and a pass
   * over ten thousand resources takes minutes: reading the list again halfway would break the
   * request budget. @default 600000
   */
  freshnessMs?: number;
  now?: () => number;
}

interface Snapshot {
  takenAt: number;
  users: Map<string, VultrUser>;
  idByEmail: Map<string, string>;
  /** Ids read one by one and found missing. */
  absent: Set<string>;
  total: number;
  /** Cursor of the first page not loaded yet; undefined once the whole list is in. */
  nextCursor: string | undefined;
  /** Pages that the whole list has, learnt from page one. */
  pages: number;
}

export class UserDirectory {
  readonly #source: UserSource;
  readonly #freshnessMs: number;
  readonly #now: () => number;
  #snapshot: Snapshot | undefined;
  #firstPage: Promise<Snapshot> | undefined;
  #rest: Promise<void> | undefined;
  readonly #singleReads = new Map<string, Promise<VultrUser | undefined>>();
  #expectedLookups: number | undefined;
  /** Emails that a reload of the list was spent on (a miss confirmed once per process). */
  readonly #reloadedEmails = new Set<string>();
  /** Ids a single GET found missing: asked once per process, whatever snapshot comes after. */
  readonly #confirmedAbsent = new Set<string>();
  #reload: Promise<void> | undefined;

  constructor(source: UserSource, options: DirectoryOptions = {}) {
    this.#source = source;
    this.#freshnessMs = options.freshnessMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /** How many resources the program declared: lets the directory pick single GETs when cheaper. */
  expectLookups(count: number): void {
    this.#expectedLookups = count;
  }

  /**
   * The user with this id, or undefined when the account has no such user. A miss in the
   * snapshot is never taken as proof: the user may have been created after the list was read
   * (earlier in the same deployment, say), so a miss is confirmed with a single GET, once per id.
   */
  async get(userId: string): Promise<VultrUser | undefined> {
    const id = userId.toLowerCase();
    const snapshot = await this.#current();
    const known = snapshot.users.get(id);
    if (known !== undefined) return known;
    if (snapshot.absent.has(id) || this.#confirmedAbsent.has(id)) return undefined;
    // Not an id Vultr could have issued (a hostile state, say): no user, and nothing to send.
    if (!isVultrUserId(id)) return undefined;
    if (snapshot.nextCursor !== undefined && !this.#singleReadIsCheaper(snapshot)) {
      await this.#loadRest(snapshot);
      const listed = snapshot.users.get(id);
      if (listed !== undefined) return listed;
    }
    return this.#readOne(snapshot, id);
  }

  /**
   * The user with this email (case-insensitive), or undefined. There is no lookup by email in
   * the API, so a miss in a complete snapshot is confirmed by reading the list once more — at
   * most once per email in this process, concurrent misses sharing one reload.
   */
  async findByEmail(email: string): Promise<VultrUser | undefined> {
    const key = normalizeEmail(email);
    const found = await this.#lookUpEmail(key);
    if (found !== undefined) return found;
    if (!this.#reloadedEmails.has(key)) {
      this.#reloadedEmails.add(key);
      this.#reload ??= this.#reloadList().finally(() => {
        this.#reload = undefined;
      });
    }
    // A reload in flight (for this email or another) may bring this one too: wait for it.
    if (this.#reload === undefined) return undefined;
    await this.#reload;
    return this.#lookUpEmail(key);
  }

  async #lookUpEmail(key: string): Promise<VultrUser | undefined> {
    const snapshot = await this.#current();
    if (!snapshot.idByEmail.has(key) && snapshot.nextCursor !== undefined) {
      await this.#loadRest(snapshot);
    }
    const id = snapshot.idByEmail.get(key);
    return id === undefined ? undefined : snapshot.users.get(id);
  }

  async #reloadList(): Promise<void> {
    this.invalidate();
    const snapshot = await this.#current();
    if (snapshot.nextCursor !== undefined) await this.#loadRest(snapshot);
  }

  /** Every user of the account, from the snapshot (the whole list is read once if need be). */
  async all(): Promise<VultrUser[]> {
    const snapshot = await this.#current();
    if (snapshot.nextCursor !== undefined) await this.#loadRest(snapshot);
    return [...snapshot.users.values()];
  }

  /** The account's user count, from the last list page read. */
  async total(): Promise<number> {
    return (await this.#current()).total;
  }

  /**
   * After a successful PATCH: the snapshot now knows the new value. The entry is replaced, not
   * changed in place: a caller still holding the user it read before the PATCH (a handler
   * recording `initialApiEnabled`, say) must keep seeing what was read.
   */
  recordApiEnabled(userId: string, apiEnabled: boolean): void {
    const snapshot = this.#snapshot;
    const id = userId.toLowerCase();
    const user = snapshot?.users.get(id);
    if (snapshot !== undefined && user !== undefined) {
      snapshot.users.set(id, { ...user, apiEnabled });
    }
  }

  /** After a 404: the user is gone. */
  forget(userId: string): void {
    const snapshot = this.#snapshot;
    if (snapshot === undefined) return;
    const id = userId.toLowerCase();
    const user = snapshot.users.get(id);
    if (user !== undefined) snapshot.idByEmail.delete(normalizeEmail(user.email));
    snapshot.users.delete(id);
    snapshot.absent.add(id);
    this.#confirmedAbsent.add(id);
  }

  /** Drops everything: the next read loads afresh. */
  invalidate(): void {
    this.#snapshot = undefined;
    this.#firstPage = undefined;
    this.#rest = undefined;
  }

  async #current(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot !== undefined && this.#now() - snapshot.takenAt < this.#freshnessMs) {
      return snapshot;
    }
    if (snapshot !== undefined) this.invalidate();
    // Single flight: concurrent first reads share one request.
    this.#firstPage ??= this.#loadFirstPage().finally(() => {
      this.#firstPage = undefined;
    });
    return this.#firstPage;
  }

  async #loadFirstPage(): Promise<Snapshot> {
    const takenAt = this.#now();
    const page = await this.#source.listUsersPage({ perPage: MAX_PER_PAGE });
    const snapshot: Snapshot = {
      takenAt,
      users: new Map(),
      idByEmail: new Map(),
      absent: new Set(),
      total: page.total,
      nextCursor: page.nextCursor,
      pages: Math.max(1, Math.ceil(page.total / MAX_PER_PAGE)),
    };
    addUsers(snapshot, page.users);
    this.#snapshot = snapshot;
    return snapshot;
  }

  #singleReadIsCheaper(snapshot: Snapshot): boolean {
    if (this.#expectedLookups === undefined) return false;
    const remainingPages = snapshot.pages - 1;
    // Page one is paid for; each remaining resource costs at most one single read.
    return this.#expectedLookups - 1 < remainingPages;
  }

  async #readOne(snapshot: Snapshot, id: string): Promise<VultrUser | undefined> {
    let pending = this.#singleReads.get(id);
    if (pending === undefined) {
      pending = this.#source.findUser(id).finally(() => this.#singleReads.delete(id));
      this.#singleReads.set(id, pending);
    }
    const user = await pending;
    if (user === undefined) {
      snapshot.absent.add(id);
      this.#confirmedAbsent.add(id);
      return undefined;
    }
    addUsers(snapshot, [user]);
    return snapshot.users.get(id) ?? user;
  }

  async #loadRest(snapshot: Snapshot): Promise<void> {
    this.#rest ??= (async () => {
      let cursor = snapshot.nextCursor;
      const seen = new Set<string>();
      for (let pageNumber = 2; cursor !== undefined; pageNumber += 1) {
        // A cursor seen before, or a page past what the total allows (one spare for users
        // added meanwhile), means the paging is broken: following it would never end.
        const pageLimit = Math.ceil(snapshot.total / MAX_PER_PAGE) + 1;
        if (seen.has(cursor) || pageNumber > pageLimit) {
          throw new VultrError(
            `Listing Vultr users: the list's cursors loop (page ${pageNumber} of about ${pageLimit}); ` +
              "Vultr's paging is inconsistent, try again later",
          );
        }
        seen.add(cursor);
        const page = await this.#source.listUsersPage({ perPage: MAX_PER_PAGE, cursor });
        addUsers(snapshot, page.users);
        snapshot.total = page.total;
        cursor = page.nextCursor;
      }
      snapshot.nextCursor = undefined;
    })().catch((error: unknown) => {
      this.#rest = undefined;
      throw error;
    });
    return this.#rest;
  }
}

function addUsers(snapshot: Snapshot, users: readonly VultrUser[]): void {
  for (const listed of users) {
    const user = kept(listed);
    const id = user.id.toLowerCase();
    snapshot.users.set(id, user);
    snapshot.absent.delete(id);
    snapshot.idByEmail.set(normalizeEmail(user.email), id);
  }
}

/**
 * What the snapshot keeps of a user: what the provider decides and reports with. At T = 20,000
 * the 2026 profile fields (names, dates, the inviter) and a fresh string per ACL name per user
 * took 4.8 MB of the snapshot's 11.4 (heap snapshots of the host in a k = 10,000 destroy).
 */
function kept(user: VultrUser): VultrUser {
  const { id, email, name, apiEnabled, acls } = user;
  return { id, email, name, apiEnabled, acls: acls.map(sharedAclName) };
}

/** ACL names come from Vultr's short list: one string each serves every user. */
const aclNames = new Map<string, string>();
const MAX_ACL_NAMES = 256;

function sharedAclName(name: string): string {
  const known = aclNames.get(name);
  if (known !== undefined) return known;
  if (aclNames.size < MAX_ACL_NAMES) aclNames.set(name, name);
  return name;
}
