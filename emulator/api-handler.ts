import type { IncomingMessage, ServerResponse } from "node:http";
import { answerApiRequest, matchApiRoute, type MatchedRoute } from "./api-routes";
import type { EmulatorState } from "./emulator-state";
import { answerWithFault, type AnsweringFault } from "./fault-answers";
import {
  errorBody,
  MAX_API_BODY_BYTES,
  parseJson,
  readRequestBody,
  sendEmpty,
  sendJson,
  sendText,
  stampDate,
} from "./http-exchange";
import type { LoggedRequest } from "./request-log";
import type { FaultSpec } from "./types";

/** Byte for byte what Vultr's rate limiter sends: another layer, hence the other key order. */
export const RATE_LIMITED_BODY = '{"status": 429,"error": "rate limit exceeded"}';

export interface ApiExchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** API path without `/v2`. */
  path: string;
  query: string;
}

/** DELETE too: the allowlist's DELETE carries a JSON body. */
const LOGGED_BODY_METHODS = new Set(["POST", "PATCH", "DELETE"]);

/** Waits, unless the emulator closes first (then it rejects). */
export type Wait = (ms: number) => Promise<void>;

/**
 * One `/v2` request: logged on arrival, then faults, then the rate limit, then latency, then
 * the API itself (auth, route, permission, body).
 */
export async function handleApiRequest(
  exchange: ApiExchange,
  state: EmulatorState,
  wait: Wait,
): Promise<void> {
  const { response, path, query } = exchange;
  const method = exchange.request.method ?? "GET";
  const route = matchApiRoute(method, path);
  const logged = state.log.begin({
    method,
    path,
    query,
    route: route?.route ?? "UNKNOWN",
    at: state.clock.now(),
  });

  try {
    await respond(exchange, method, route, logged, state, wait);
  } catch (error) {
    // Closing the emulator cut a wait short: nobody is listening any more.
    if (error instanceof Error && error.name === "AbortError") return logged.answered(0);
    sendJson(response, 500, errorBody(500, `Emulator error: ${String(error)}`));
    logged.answered(500);
  }
}

async function respond(
  { request, response, path, query }: ApiExchange,
  method: string,
  route: MatchedRoute | undefined,
  logged: LoggedRequest,
  state: EmulatorState,
  wait: Wait,
): Promise<void> {
  const body = await readRequestBody(request, MAX_API_BODY_BYTES);
  if (body.kind === "aborted") return logged.answered(0);
  if (LOGGED_BODY_METHODS.has(method) && body.kind === "complete") {
    const json = parseJson(body.text);
    if (json.ok) logged.recordBody(json.value);
  }

  const fault = state.faults.take(method, path);
  if (fault !== undefined) {
    logged.recordFault(fault.kind);
    if (isAnswering(fault)) {
      if (fault.kind !== "hang") await wait(state.latencyMs);
      stampDate(response, state.clock.now());
      return logged.answered(answerWithFault(fault, request, response));
    }
    await wait(fault.delayMs ?? 0);
  }

  const source = request.socket.remoteAddress ?? "";
  if (!state.limiter.tryAccept(source, state.clock.now())) {
    const retryAfter = state.limiter.retryAfterSeconds(source, state.clock.now());
    await wait(state.latencyMs);
    stampDate(response, state.clock.now());
    sendText(response, 429, RATE_LIMITED_BODY, {
      "content-type": "application/json",
      "retry-after": String(retryAfter),
    });
    return logged.answered(429, { rateLimited: true });
  }

  await wait(state.latencyMs);
  const now = state.clock.now();
  const answer = answerApiRequest(
    { route, query, authorization: request.headers.authorization, body },
    state.account(now),
  );
  stampDate(response, now);
  if (answer.body === undefined) sendEmpty(response, answer.status);
  else sendJson(response, answer.status, answer.body);
  logged.answered(answer.status, { patchApplied: answer.patchApplied === true });
}

function isAnswering(fault: FaultSpec): fault is AnsweringFault {
  return fault.kind !== "delay";
}
