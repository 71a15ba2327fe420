import { VultrError, VultrInvalidResponseError, VultrUsageError, isVultrApiError } from "./errors";
import {
  addAllowlistEntry,
  listAllowlist,
  removeAllowlistEntry,
  type AllowlistSubnet,
} from "./allowlist-client";
import { createApiKey, deleteApiKey, listApiKeys } from "./api-keys-client";
import { parseUserEnvelope, parseUsersPage } from "./parse";
import { RequestCore, type ClientHooks } from "./request-core";
import type {
  ApiKeyInfo,
  ApiKeyListing,
  ClientSettings,
  CreatedApiKey,
  NewApiKey,
  UsersPage,
  VultrUser,
} from "./types";
import type { AllowlistEntry } from "../allowlist";
import { quoteForMessage } from "../values/user-id";

export type { ClientHooks } from "./request-core";

/** Vultr's largest page: fewest requests to read a whole account. */
export const MAX_PER_PAGE = 500;

/** A page size Vultr accepts: 1 to 500. */
function pageSize(requested: number | undefined): number {
  return Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(requested ?? MAX_PER_PAGE)));
}

/**
 * A typed client for the Vultr users endpoints. Paces every attempt, retries what may be
 * retried, and turns every failure into a VultrError whose message names the user, the status,
 * Vultr's text and what to do.
 */
export class VultrUsersClient {
  readonly endpoint: string;
  readonly #core: RequestCore;

  constructor(settings: ClientSettings, hooks: ClientHooks) {
    this.#core = new RequestCore(settings, hooks);
    this.endpoint = this.#core.endpoint;
  }

  /** GET /users/{id}. A missing user is a VultrApiError with status 404. */
  async getUser(userId: string): Promise<VultrUser> {
    const path = this.#core.userPath(userId);
    const label = `Reading Vultr user ${userId}`;
    const body = await this.#core.call({ method: "GET", path, label, userId, idempotent: true });
    const user = parseUserEnvelope(body, label);
    // Acting on another user's record would change the wrong user's access.
    if (user.id.toLowerCase() !== userId.toLowerCase()) {
      throw new VultrInvalidResponseError(
        `${label}: Vultr answered with user ${quoteForMessage(user.id)} instead — the provider ` +
          "does not act on an answer about another user; try again later, and report it if it persists",
      );
    }
    return user;
  }

  /** GET /users/{id}, with a missing user as undefined. */
  async findUser(userId: string): Promise<VultrUser | undefined> {
    try {
      return await this.getUser(userId);
    } catch (error) {
      if (isVultrApiError(error) && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /** GET /users?per_page=&cursor= : one page of the account's users. */
  async listUsersPage(options: { perPage?: number; cursor?: string } = {}): Promise<UsersPage> {
    const perPage = pageSize(options.perPage);
    const query = new URLSearchParams({ per_page: String(perPage) });
    if (options.cursor !== undefined) query.set("cursor", options.cursor);
    const label = "Listing Vultr users";
    const path = `/users?${query.toString()}`;
    const body = await this.#core.call({ method: "GET", path, label, idempotent: true });
    return parseUsersPage(body, perPage, label);
  }

  /** Every user of the account, following the opaque cursors page by page. */
  async listAllUsers(requestedPerPage = MAX_PER_PAGE): Promise<VultrUser[]> {
    // The loop guard below counts pages of the size actually asked for.
    const perPage = pageSize(requestedPerPage);
    const users: VultrUser[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await this.listUsersPage({
        perPage,
        ...(cursor === undefined ? {} : { cursor }),
      });
      users.push(...page.users);
      pages += 1;
      if (page.nextCursor === undefined) return users;
      // A cursor seen before, or more pages than the total allows, would loop forever.
      const pageLimit = Math.ceil(page.total / perPage) + 1;
      if (seenCursors.has(page.nextCursor) || pages > pageLimit) {
        throw new VultrError(
          `Listing Vultr users: the list's cursors loop (page ${pages} of about ${pageLimit}); ` +
            "Vultr's paging is inconsistent, try again later",
        );
      }
      seenCursors.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  /**
   * PATCH /users/{id} with only `api_enabled`, sent as a JSON boolean: `false` must reach the
   * wire (the official Node client drops falsy values and cannot disable access).
   * Vultr answers 204 (the 2026 how-to pages say 202) with an empty body: any 2xx is success.
   */
  async setApiEnabled(userId: string, apiEnabled: boolean): Promise<void> {
    if (typeof apiEnabled !== "boolean") {
      throw new VultrUsageError(
        `api_enabled must be a boolean, got ${quoteForMessage(apiEnabled)}`,
      );
    }
    const path = this.#core.userPath(userId);
    const label = `Setting api_enabled=${apiEnabled} on Vultr user ${userId}`;
    const body = { api_enabled: apiEnabled };
    await this.#core.call({ method: "PATCH", path, body, label, userId, idempotent: true });
  }

  /** GET /users/{id}/ip-whitelist: where the user's API keys may be used from. */
  listAllowlist(userId: string): Promise<AllowlistEntry[]> {
    return listAllowlist(this.#core, userId);
  }

  /** POST /users/{id}/ip-whitelist; adding an entry the user has is not an error. */
  addAllowlistEntry(userId: string, entry: AllowlistSubnet): Promise<void> {
    return addAllowlistEntry(this.#core, userId, entry);
  }

  /** DELETE /users/{id}/ip-whitelist; an entry already gone resolves "absent". */
  removeAllowlistEntry(userId: string, entry: AllowlistSubnet): Promise<"removed" | "absent"> {
    return removeAllowlistEntry(this.#core, userId, entry);
  }

  /** GET /users/{id}/apikeys: the user's keys, masked but for their last characters. */
  async listApiKeys(userId: string): Promise<ApiKeyInfo[]> {
    return (await listApiKeys(this.#core, userId)).keys;
  }

  /** GET /users/{id}/apikeys, with Vultr's clock from the answer's `Date` header. */
  listApiKeysWithClock(userId: string): Promise<ApiKeyListing> {
    return listApiKeys(this.#core, userId);
  }

  /**
   * POST /users/{id}/apikeys: never sent twice (see `createApiKey` in api-keys-client.ts);
   * undefined when Vultr's answer does not carry the key.
   */
  createApiKey(userId: string, key: NewApiKey): Promise<CreatedApiKey | undefined> {
    return createApiKey(this.#core, userId, key);
  }

  /** DELETE /users/{id}/apikeys/{key-id}; a key already gone resolves "absent". */
  deleteApiKey(userId: string, keyId: string): Promise<"deleted" | "absent"> {
    return deleteApiKey(this.#core, userId, keyId);
  }
}
