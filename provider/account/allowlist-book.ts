/**
 * The per-user API allowlists this process reads and writes. There is no bulk endpoint, so each
 * resource that declares `allowedIps` costs one GET per engine pass: read once, shared by check,
 * diff and the write that follows, and kept in step after each write.
 */
import { compareAllowlists, formatEntry, sortEntries, type AllowlistEntry } from "../allowlist";
import type { VultrUsersClient } from "../client";
import type { VultrUser } from "../client/types";
import { describeUser } from "./naming";

export class AllowlistBook {
  readonly #client: VultrUsersClient;
  readonly #lists = new Map<string, Promise<AllowlistEntry[]>>();

  constructor(client: VultrUsersClient) {
    this.#client = client;
  }

  /** The user's allowlist as Vultr holds it (one request per user and process). */
  get(userId: string): Promise<AllowlistEntry[]> {
    const id = userId.toLowerCase();
    const cached = this.#lists.get(id);
    if (cached !== undefined) return cached;
    const read = this.#client.listAllowlist(userId).then(sortEntries);
    read.catch(() => this.#lists.delete(id));
    this.#lists.set(id, read);
    return read;
  }

  /**
   * Makes the user's allowlist exactly `target`: every missing entry is added first, then every
   * extra one removed, so the list never passes through a state narrower than both the old and
   * the new one; if an add fails, nothing is removed. Returns one audit line per write.
   */
  async apply(
    user: VultrUser,
    target: readonly AllowlistEntry[],
    onWrite: (line: string) => void,
  ): Promise<void> {
    const live = await this.get(user.id);
    const { add, remove } = compareAllowlists(target, live);
    if (add.length === 0 && remove.length === 0) return;
    const id = user.id.toLowerCase();
    let current = [...live];
    const who = describeUser(user);
    try {
      for (const entry of add) {
        await this.#client.addAllowlistEntry(user.id, entry);
        current = sortEntries([...current, entry]);
        onWrite(`added ${formatEntry(entry)} to the API allowlist of Vultr user ${who}`);
      }
      for (const entry of remove) {
        await this.#client.removeAllowlistEntry(user.id, entry);
        current = current.filter((e) => formatEntry(e) !== formatEntry(entry));
        onWrite(`removed ${formatEntry(entry)} from the API allowlist of Vultr user ${who}`);
      }
    } finally {
      // What is known to be there now, whether or not every write went through.
      this.#lists.set(id, Promise.resolve(current));
    }
  }
}

/** Canonical texts of entries, sorted: how outputs and messages show an allowlist. */
export function entryTexts(entries: readonly AllowlistEntry[]): string[] {
  return sortEntries(entries).map(formatEntry);
}
