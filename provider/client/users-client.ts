import { adviceFor } from "./advice";
import { clippedVultrText, gaveUp, redact, transientReason } from "./failures";
import { normalizeEndpoint } from "./endpoint";
import {
  isVultrApiError,
  VultrApiError,
  VultrError,
  VultrInvalidResponseError,
  VultrTimeoutError,
  VultrUsageError,
} from "./errors";
import { Pacer } from "./pacer";
import { parseJson, parseUserEnvelope, parseUsersPage } from "./parse";
import { isRetryableStatus, nextDelayMs, parseRetryAfterMs } from "./retry-policy";
import { send, type RawResponse } from "./transport";
import { stepDeadline } from "./step-deadline";
import type { ClientSettings, UsersPage, VultrUser } from "./types";
import { isVultrUserId, quoteForMessage } from "../user-id";

/** Vultr's largest page: fewest requests to read a whole account. */
export const MAX_PER_PAGE = 500;

export interface ClientHooks {
  /** The process-wide pacer; every attempt (retries too) takes a slot. */
  pacer: Pacer;
  random?: () => number;
  /** Called before each retry, e.g. to log; never given the key. */
  onRetry?: (info: { label: string; retry: number; delayMs: number; reason: string }) => void;
}

interface Call {
  method: "GET" | "PATCH";
  path: string;
  body?: unknown;
  /** What the call does, for messages: "reading Vultr user 3f2c…". */
  label: string;
  userId?: string;
}

/** What may follow `Bearer `: visible ASCII. Anything else would make the HTTP layer fail. */
const SENDABLE_KEY = /^[\x21-\x7e]+$/;

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
  readonly #settings: ClientSettings;
  readonly #hooks: ClientHooks;

  constructor(settings: ClientSettings, hooks: ClientHooks) {
    if (settings.apiKey.trim() === "") {
      throw new VultrUsageError("The Vultr API key is empty");
    }
    // node-fetch would refuse such a header with a message that quotes it, key and all.
    if (!SENDABLE_KEY.test(settings.apiKey)) {
      throw new VultrUsageError(
        "The Vultr API key contains a space, a line break or another character that cannot be " +
          "sent in an HTTP header: check how it was copied into `vultr:apiKey` or VULTR_API_KEY",
      );
    }
    this.endpoint = normalizeEndpoint(settings.endpoint);
    this.#settings = settings;
    this.#hooks = hooks;
  }

  /** GET /users/{id}. A missing user is a VultrApiError with status 404. */
  async getUser(userId: string): Promise<VultrUser> {
    const path = `/users/${this.#encodeUserId(userId)}`;
    const label = `Reading Vultr user ${userId}`;
    const user = parseUserEnvelope(await this.#call({ method: "GET", path, label, userId }), label);
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
    const body = await this.#call({ method: "GET", path: `/users?${query.toString()}`, label });
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
   * Vultr answers 204 with an empty body.
   */
  async setApiEnabled(userId: string, apiEnabled: boolean): Promise<void> {
    if (typeof apiEnabled !== "boolean") {
      throw new VultrUsageError(
        `api_enabled must be a boolean, got ${quoteForMessage(apiEnabled)}`,
      );
    }
    const path = `/users/${this.#encodeUserId(userId)}`;
    const label = `Setting api_enabled=${apiEnabled} on Vultr user ${userId}`;
    await this.#call({ method: "PATCH", path, body: { api_enabled: apiEnabled }, label, userId });
  }

  #encodeUserId(userId: string): string {
    if (typeof userId !== "string" || !isVultrUserId(userId)) {
      throw new VultrUsageError(
        `${quoteForMessage(userId)} is not a Vultr user id (a UUID, or 13 hex digits on older accounts); nothing was sent`,
      );
    }
    return encodeURIComponent(userId);
  }

  /** Sends with pacing and retries; resolves to the parsed JSON body (undefined for PATCH's 204). */
  async #call(call: Call): Promise<unknown> {
    try {
      return await this.#attempts(call);
    } catch (error) {
      if (error instanceof Error) {
        error.message = redact(error.message, this.#settings.apiKey);
        if (error.stack !== undefined) error.stack = redact(error.stack, this.#settings.apiKey);
      }
      throw error;
    }
  }

  async #attempts(call: Call): Promise<unknown> {
    const settings = this.#settings;
    const random = this.#hooks.random ?? Math.random;
    let deadline: number | undefined;
    /** What the deadline is, for messages: this request's own, or the step's. */
    let limit = `${settings.deadlineMs} ms`;
    let lastError: VultrError | undefined;
    for (let attempt = 1; ; attempt += 1) {
      await stepDeadline.paced(() => this.#hooks.pacer.acquire());
      const now = Date.now();
      // The deadline starts with the first attempt: waiting for the pacer is not Vultr's fault.
      // A step's whole budget (several requests) bounds it too.
      if (deadline === undefined) {
        const stepEnd = stepDeadline.current() ?? Infinity;
        deadline = Math.min(now + settings.deadlineMs, stepEnd);
        if (stepEnd < now + settings.deadlineMs) limit = "the step's time budget";
      }
      // A retry the pacer held past the deadline would be sent with no time to answer.
      if (now >= deadline) {
        if (lastError !== undefined) throw gaveUp(lastError, attempt - 1, limit);
        throw gaveUp(
          new VultrTimeoutError(`${call.label}: the step's time ran out before this request`),
          0,
        );
      }
      const timeoutMs = Math.max(1, Math.min(settings.timeoutMs, deadline - now));
      let retryReason: string;
      let retryAfterMs: number | undefined;
      try {
        const response = await send(
          {
            method: call.method,
            url: `${this.endpoint}${call.path}`,
            apiKey: settings.apiKey,
            body: call.body,
            timeoutMs,
          },
          call.label,
        );
        if (response.status >= 200 && response.status < 300) {
          // PATCH answers 204 with no body; any other body must at least be JSON, or something
          // other than Vultr answered and the change may not have happened. A body that is not
          // JSON is retried below (GET and the boolean PATCH are idempotent).
          if (call.method === "GET") return parseJson(response.text, call.label);
          if (response.text.trim() !== "") parseJson(response.text, call.label);
          return undefined;
        }
        lastError = this.#apiError(call, response, attempt);
        if (!isRetryableStatus(response.status)) throw lastError;
        retryReason = `status ${response.status}`;
        retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"), Date.now());
      } catch (error) {
        const reason = transientReason(error);
        if (reason === undefined) throw error;
        lastError = error as VultrError;
        retryReason = reason;
      }
      const delayMs = nextDelayMs(attempt, retryAfterMs, settings, random);
      if (Date.now() + delayMs >= deadline) throw gaveUp(lastError, attempt, limit);
      if (attempt > settings.maxRetries) throw gaveUp(lastError, attempt);
      this.#hooks.onRetry?.({ label: call.label, retry: attempt, delayMs, reason: retryReason });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  #apiError(call: Call, response: RawResponse, attempts: number): VultrApiError {
    const text = redact(clippedVultrText(response), this.#settings.apiKey);
    const method = call.method;
    const path = call.path.split("?")[0] ?? call.path;
    return new VultrApiError(
      {
        status: response.status,
        method,
        path,
        vultrMessage: text,
        attempts,
        ...(call.userId === undefined ? {} : { userId: call.userId }),
      },
      `${call.label}: Vultr answered ${response.status} ${JSON.stringify(text)} ` +
        `(${method} ${path}) — ${adviceFor(response.status, text)}`,
    );
  }
}
