import type { IncomingMessage, ServerResponse } from "node:http";
import { checkedClientAddress, withBehaviour } from "./behaviour";
import { checkedClockOffset } from "./clock";
import { asRecord, nonNegativeInteger } from "./control-input";
import { controlUserRoute, type ControlAnswer } from "./control-user-routes";
import type { EmulatorState } from "./emulator-state";
import { EmulatorInputError, UnknownUserError } from "./errors";
import { errorBody, parseJson, readRequestBody, sendEmpty, sendJson } from "./http-exchange";
import type { FaultSpec, SeedUser } from "./types";

/** Seeding thousands of users in one call is a normal thing for a benchmark to do. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024 * 1024;

/**
 * `/_emulator/...`: the EmulatorControl methods as JSON over HTTP, for scripts and demos in
 * other processes. No auth (it binds to loopback), no rate limit, not in the request log.
 */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  state: EmulatorState,
): Promise<void> {
  const body = await readRequestBody(request, MAX_CONTROL_BODY_BYTES);
  if (body.kind === "aborted") return;
  let answer: ControlAnswer;
  if (body.kind === "too-large") {
    answer = { status: 413, body: errorBody(413, "Request body too large.") };
  } else {
    try {
      answer = route(request.method ?? "GET", path, () => jsonBody(body.text), state);
    } catch (error) {
      answer = failure(error);
    }
  }
  if (answer.body === undefined) sendEmpty(response, answer.status);
  else sendJson(response, answer.status, answer.body);
}

function route(
  method: string,
  path: string,
  body: () => unknown,
  state: EmulatorState,
): ControlAnswer {
  const userAnswer = controlUserRoute(method, path, body, state);
  if (userAnswer !== undefined) return userAnswer;
  switch (`${method} ${path}`) {
    case "GET /users":
      return ok({ users: state.listUsers() });
    case "POST /users":
      return { status: 201, body: { users: seed(body(), state) } };
    case "POST /faults":
      return { status: 201, body: { id: state.addFault(body() as FaultSpec) } };
    case "DELETE /faults":
      state.clearFaults();
      return { status: 204 };
    case "GET /requests":
      return ok({ requests: state.requestLog() });
    case "DELETE /requests":
      state.clearRequestLog();
      return { status: 204 };
    case "GET /counters":
      return ok(state.counters());
    case "GET /settings":
      return ok(settings(state));
    case "PUT /settings":
      return ok(changeSettings(body(), state));
    case "POST /reset":
      state.reset();
      return { status: 204 };
    default:
      return { status: 404, body: errorBody(404, "Not found.") };
  }
}

function seed(input: unknown, state: EmulatorState) {
  const fields = asRecord(input, "The body");
  const seedValue =
    fields["seed"] === undefined ? undefined : nonNegativeInteger(fields["seed"], "seed");
  if (Array.isArray(fields["users"])) {
    return state.seedUsers(fields["users"] as SeedUser[], seedValue);
  }
  if (fields["count"] !== undefined) {
    return state.seedUsers(nonNegativeInteger(fields["count"], "count"), seedValue);
  }
  throw new EmulatorInputError('Send {"count": N, "seed"?: S} or {"users": [...]}.');
}

function settings(state: EmulatorState) {
  return {
    latencyMs: state.latencyMs,
    rateLimitPerSecond: state.rateLimitPerSecond,
    clockOffsetSeconds: state.clockOffsetSeconds(),
    ...state.behaviour(),
    clientAddress: state.getClientAddress() ?? null,
  };
}

function changeSettings(input: unknown, state: EmulatorState) {
  const fields = asRecord(input, "The settings");
  // Everything is checked before anything is applied.
  const latency =
    fields["latencyMs"] === undefined
      ? undefined
      : nonNegativeInteger(fields["latencyMs"], "latencyMs");
  const rateLimit =
    fields["rateLimitPerSecond"] === undefined
      ? undefined
      : nonNegativeInteger(fields["rateLimitPerSecond"], "rateLimitPerSecond");
  const behaviour = withBehaviour(state.behaviour(), fields);
  const clockOffset =
    fields["clockOffsetSeconds"] === undefined
      ? undefined
      : checkedClockOffset(fields["clockOffsetSeconds"]);
  const clientAddress =
    "clientAddress" in fields
      ? { value: checkedClientAddress(fields["clientAddress"]) }
      : undefined;
  if (latency !== undefined) state.setLatency(latency);
  if (rateLimit !== undefined) state.setRateLimit(rateLimit);
  state.setBehaviour(behaviour);
  if (clientAddress !== undefined) state.setClientAddress(clientAddress.value);
  if (clockOffset !== undefined) state.setClockOffset(clockOffset);
  return settings(state);
}

function jsonBody(text: string): unknown {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new EmulatorInputError(parsed.reason);
  return parsed.value;
}

function ok(body: unknown): ControlAnswer {
  return { status: 200, body };
}

function failure(error: unknown): ControlAnswer {
  if (error instanceof EmulatorInputError)
    return { status: 400, body: errorBody(400, error.message) };
  if (error instanceof UnknownUserError)
    return { status: 404, body: errorBody(404, error.message) };
  throw error;
}
