/**
 * Reads the account for a report: the list pages, then, on request, each API-enabled user's
 * allowlist and keys — one request each, a few at a time. The pacer sets the rate; the bound on
 * concurrency only keeps the number of open requests small.
 */
import type { AccountSnapshot, AccountUser, AllowlistEntry, ApiKeyInfo } from "./types";

/** What the report needs of the client; `VultrUsersClient` is one. */
export interface AccountReader {
  readonly endpoint: string;
  listAllUsers(): Promise<AccountUser[]>;
  listAllowlist(userId: string): Promise<AllowlistEntry[]>;
  listApiKeys(userId: string): Promise<ApiKeyInfo[]>;
}

export interface ReadOptions {
  allowlists: boolean;
  keys: boolean;
  /** Requests in flight at most. @default 8 */
  concurrency?: number;
  /** Called after each per-user read, e.g. `reading allowlists: 120/400`. */
  onProgress?: (what: "allowlists" | "keys", done: number, total: number) => void;
}

const DEFAULT_CONCURRENCY = 8;

/** Runs `read` for every user, `concurrency` at a time; the first failure stops new reads. */
async function readEach<T>(
  users: readonly AccountUser[],
  read: (userId: string) => Promise<T>,
  concurrency: number,
  progress: (done: number) => void,
): Promise<Map<string, T>> {
  const results = new Map<string, T>();
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (failure === undefined && next < users.length) {
      const user = users[next++] as AccountUser;
      try {
        results.set(user.id, await read(user.id));
      } catch (error) {
        failure ??= { error };
        return;
      }
      done += 1;
      progress(done);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

export async function readAccount(
  reader: AccountReader,
  options: ReadOptions,
): Promise<AccountSnapshot> {
  const users = await reader.listAllUsers();
  // Only API-enabled users' allowlists and keys matter: nobody else can use a key.
  const apiUsers = users.filter((user) => user.apiEnabled);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const progress = (what: "allowlists" | "keys") => (done: number) =>
    options.onProgress?.(what, done, apiUsers.length);
  const allowlists = options.allowlists
    ? await readEach(
        apiUsers,
        (id) => reader.listAllowlist(id),
        concurrency,
        progress("allowlists"),
      )
    : undefined;
  const apiKeys = options.keys
    ? await readEach(apiUsers, (id) => reader.listApiKeys(id), concurrency, progress("keys"))
    : undefined;
  return { endpoint: reader.endpoint, users, allowlists, apiKeys };
}
