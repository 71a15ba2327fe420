/**
 * One request to Vultr, done properly: paced, retried when that is safe, bounded by its own and
 * the step's deadline, and turned into a VultrError whose message names the user, the status,
 * Vultr's text and what to do, never the key. Every endpoint's client sends through this.
 */
import { adviceFor } from "./advice";
import { normalizeEndpoint } from "./endpoint";
import { VultrApiError, VultrError, VultrTimeoutError, VultrUsageError } from "./errors";
import {
  clippedVultrText,
  gaveUp,
  redact,
  scrubKeyLike,
  transientReason,
  uncertainWrite,
} from "./failures";
import type { Pacer } from "./pacer";
import { parseJson } from "./parse";
import { isRetryableStatus, nextDelayMs, parseRetryAfterMs } from "./retry-policy";
import { stepDeadline } from "./step-deadline";
import { send, type HttpMethod, type RawResponse } from "./transport";
import type { ClientSettings } from "./types";
import { isVultrUserId, quoteForMessage } from "../values/user-id";

export interface ClientHooks {
  /** The process-wide pacer; every attempt (retries too) takes a slot. */
  pacer: Pacer;
  random?: () => number;
  /** Called before each retry, e.g. to log; never given the key. */
  onRetry?: (info: { label: string; retry: number; delayMs: number; reason: string }) => void;
  /**
   * Called for every 429 answer, with the wait before its retry (0 when the client gives up), so
   * that the provider can say how much Vultr's rate limit cost the run.
   */
  onRateLimited?: (info: { label: string; waitMs: number }) => void;
}

export interface Call {
  method: HttpMethod;
  /** The path under the endpoint, query included: `/users/{id}/ip-whitelist`. */
  path: string;
  /** Sent as JSON, with DELETE too (Vultr's allowlist DELETE carries its entry in the body). */
  body?: unknown;
  /** What the call does, for messages: "Reading Vultr user 3f2c…". */
  label: string;
  userId?: string;
  /**
   * Whether sending the request twice does no more than sending it once. Only such requests
   * are retried after an answer that leaves open whether they happened (5xx, timeouts); any
   * other write fails then with a VultrUncertainWriteError and is never sent twice.
   */
  idempotent: boolean;
  /** What to do when such a write's outcome is unknown, for VultrUncertainWriteError. */
  uncertainAdvice?: string;
  /**
   * The answer may carry a secret not known yet (a created key): its text is never quoted in
   * a message, and anything shaped like a key is scrubbed from Vultr's error text.
   */
  secretAnswer?: boolean;
}

/** A successful answer: its parsed JSON body (undefined when empty) and its headers. */
export interface Answer {
  body: unknown;
  headers: RawResponse["headers"];
}

/** What may follow `Bearer `: visible ASCII. Anything else would make the HTTP layer fail. */
const SENDABLE_KEY = /^[\x21-\x7e]+$/;

export class RequestCore {
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

  /** `/users/{id}` plus `rest`; an id that is not a Vultr user id never reaches the wire. */
  userPath(userId: string, rest = ""): string {
    if (typeof userId !== "string" || !isVultrUserId(userId)) {
      throw new VultrUsageError(
        `${quoteForMessage(userId)} is not a Vultr user id (a UUID, or 13 hex digits on older accounts); nothing was sent`,
      );
    }
    return `/users/${encodeURIComponent(userId)}${rest}`;
  }

  /**
   * Sends with pacing and retries; resolves to the parsed JSON body of a GET, or undefined for
   * a write (Vultr answers writes 204 or 202 with an empty body).
   */
  async call(call: Call): Promise<unknown> {
    const { body } = await this.answer(call);
    return call.method === "GET" ? body : undefined;
  }

  /** Like `call`, with the headers too and the body of a write (a key create answers one). */
  async answer(call: Call): Promise<Answer> {
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

  async #attempts(call: Call): Promise<Answer> {
    const settings = this.#settings;
    const random = this.#hooks.random ?? Math.random;
    let deadline: number | undefined;
    /** What the deadline is, for messages: this request's own, or the step's. */
    let limit = `${settings.deadlineMs} ms`;
    let deadlineText = `the request's ${settings.deadlineMs} ms deadline (all its attempts together)`;
    let lastError: VultrError | undefined;
    for (let attempt = 1; ; attempt += 1) {
      await stepDeadline.paced(() => this.#hooks.pacer.acquire());
      const now = Date.now();
      // The deadline starts with the first attempt: waiting for the pacer is not Vultr's fault.
      // A step's whole budget (several requests) bounds it too.
      if (deadline === undefined) {
        const stepEnd = stepDeadline.current() ?? Infinity;
        deadline = Math.min(now + settings.deadlineMs, stepEnd);
        if (stepEnd < now + settings.deadlineMs) {
          limit = "the step's time budget";
          deadlineText = `the step's ${stepDeadline.budgetMs() ?? "time"} ms time budget`;
        }
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
      // A hang's message quotes the configured timeout, or says that the deadline cut it short:
      // never the leftover budget, which means nothing to the person reading it.
      const timeoutText =
        timeoutMs < settings.timeoutMs
          ? `${deadlineText} ran out during this attempt (the request timeout is ${settings.timeoutMs} ms)`
          : undefined;
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
            ...(timeoutText === undefined ? {} : { timeoutText }),
          },
          call.label,
        );
        if (response.status >= 200 && response.status < 300) {
          // Writes answer 204 (or 202) with no body; any other body must at least be JSON, or
          // something other than Vultr answered and the change may not have happened. A body
          // that is not JSON is retried below when the request is idempotent.
          const { headers, text } = response;
          if (call.method !== "GET" && text.trim() === "") return { body: undefined, headers };
          return { body: parseJson(text, call.label, call.secretAnswer === true), headers };
        }
        lastError = this.#apiError(call, response, attempt);
        if (!call.idempotent && response.status >= 500) {
          throw uncertainWrite(call, lastError, attempt);
        }
        if (!isRetryableStatus(response.status, call.idempotent)) throw lastError;
        retryReason = `status ${response.status}`;
        retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"), Date.now());
      } catch (error) {
        const reason = transientReason(error);
        if (reason !== undefined && !call.idempotent) {
          throw uncertainWrite(call, error as VultrError, attempt);
        }
        if (reason === undefined) throw error;
        lastError = error as VultrError;
        retryReason = reason;
      }
      const delayMs = nextDelayMs(attempt, retryAfterMs, settings, random);
      const pastDeadline = Date.now() + delayMs >= deadline;
      if (retryReason === "status 429") {
        const waitMs = pastDeadline || attempt > settings.maxRetries ? 0 : delayMs;
        this.#hooks.onRateLimited?.({ label: call.label, waitMs });
      }
      if (pastDeadline) throw gaveUp(lastError, attempt, limit);
      if (attempt > settings.maxRetries) throw gaveUp(lastError, attempt);
      this.#hooks.onRetry?.({ label: call.label, retry: attempt, delayMs, reason: retryReason });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  #apiError(call: Call, response: RawResponse, attempts: number): VultrApiError {
    const clipped = clippedVultrText(response);
    const text = redact(
      call.secretAnswer === true ? scrubKeyLike(clipped) : clipped,
      this.#settings.apiKey,
    );
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
        `(${method} ${path}) — ${adviceFor(response.status, text, { path, url: this.endpoint + path })}`,
    );
  }
}
