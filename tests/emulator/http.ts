import type { RunningEmulator } from "../../emulator";

/** One answer, read completely: status, headers, the raw text and its JSON when there is some. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface CallOptions {
  /** The Bearer key; `null` sends no Authorization header. Default: the owner key. */
  key?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent verbatim, for malformed bodies. */
  rawBody?: string | Buffer;
  signal?: AbortSignal;
}

/** A `/v2` call over real HTTP, the way a client would make it. */
export async function api(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const key = options.key === undefined ? emulator.ownerKey : options.key;
  const headers: Record<string, string> = {};
  if (key !== null) headers["authorization"] = `Bearer ${key}`;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  return answerOf(
    await fetch(`${emulator.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }),
  );
}

/** A control-plane call (no auth). */
export async function control(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  return answerOf(
    await fetch(`${emulator.controlUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    }),
  );
}

export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: jsonOrUndefined(text) };
}

function jsonOrUndefined(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The user JSON of GET and list answers. */
export interface PublicUser {
  id: string;
  name: string;
  email: string;
  api_enabled: boolean;
  acls: string[];
  service_user: boolean;
}

export interface UserList {
  users: PublicUser[];
  meta: { total: number; links: { next: string; prev: string } };
}

export const userOf = (answer: Answer): PublicUser => (answer.json as { user: PublicUser }).user;
export const listOf = (answer: Answer): UserList => answer.json as UserList;

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
