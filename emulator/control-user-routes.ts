import type { EmulatorState } from "./emulator-state";
import { EmulatorInputError, UnknownUserError } from "./errors";
import { errorBody } from "./http-exchange";
import type { AllowlistEntryInput, EmulatedUser, NewApiKey } from "./types";

export type ControlAnswer = { status: number; body?: unknown };

const CONTROL_USER_PATH = /^\/users\/([^/]+)(?:\/(apikeys|ip-whitelist)(?:\/([^/]+))?)?$/;

/** `/_emulator/users/{id}[/apikeys[/{key-id}] | /ip-whitelist]`, or undefined for other paths. */
export function controlUserRoute(
  method: string,
  path: string,
  body: () => unknown,
  state: EmulatorState,
): ControlAnswer | undefined {
  const [, rawId, collection, rawItem] = CONTROL_USER_PATH.exec(path) ?? [];
  if (rawId === undefined) return undefined;
  const id = decodedSegment(rawId);
  if (collection === undefined) return userRoute(method, id, body, state);
  if (collection === "apikeys") {
    return apiKeyRoute(
      method,
      id,
      rawItem === undefined ? undefined : decodedSegment(rawItem),
      body,
      state,
    );
  }
  if (rawItem !== undefined) return NOT_FOUND;
  switch (method) {
    case "GET":
      return ok({ ip_whitelist: state.getAllowlist(id) });
    case "PUT":
      // Drift: the allowlist replaced behind the API's back.
      return ok({ ip_whitelist: state.setAllowlist(id, allowlistInput(body())) });
    default:
      return NOT_FOUND;
  }
}

function userRoute(
  method: string,
  id: string,
  body: () => unknown,
  state: EmulatorState,
): ControlAnswer {
  switch (method) {
    case "GET": {
      const user = state.getUser(id);
      if (user === undefined) throw new UnknownUserError(id);
      return ok({ user });
    }
    case "PATCH":
      // Drift: the change the provider did not make, seen on its next read.
      return ok({ user: state.setUser(id, body() as Partial<Omit<EmulatedUser, "id">>) });
    case "DELETE":
      if (!state.deleteUser(id)) throw new UnknownUserError(id);
      return { status: 204 };
    default:
      return NOT_FOUND;
  }
}

function apiKeyRoute(
  method: string,
  id: string,
  keyId: string | undefined,
  body: () => unknown,
  state: EmulatorState,
): ControlAnswer {
  if (keyId !== undefined) {
    if (method !== "DELETE") return NOT_FOUND;
    if (!state.removeApiKey(id, keyId)) {
      return { status: 404, body: errorBody(404, `User ${id} has no API key with id ${keyId}.`) };
    }
    return { status: 204 };
  }
  switch (method) {
    case "GET":
      return ok({ api_keys: state.listApiKeys(id) });
    case "POST":
      return { status: 201, body: { api_key: state.addApiKey(id, body() as NewApiKey) } };
    default:
      return NOT_FOUND;
  }
}

/** `{"ip_whitelist": [...]}` or the bare array. */
function allowlistInput(input: unknown): AllowlistEntryInput[] {
  if (Array.isArray(input)) return input as AllowlistEntryInput[];
  if (typeof input === "object" && input !== null && "ip_whitelist" in input) {
    return (input as { ip_whitelist: AllowlistEntryInput[] }).ip_whitelist;
  }
  throw new EmulatorInputError('Send {"ip_whitelist": [{"subnet", "subnet_size"}, ...]}.');
}

const NOT_FOUND: ControlAnswer = { status: 404, body: errorBody(404, "Not found.") };

function ok(body: unknown): ControlAnswer {
  return { status: 200, body };
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
