import { newUserFromBody, userChangesFromBody } from "./api-validation";
import { identifyCaller, mayManageUsers } from "./auth";
import { errorBody, parseJson, type RequestBody } from "./http-exchange";
import { pageOf, parseCursor, parsePerPage } from "./paging";
import type { RandomSource } from "./random";
import type { UserStore } from "./store";
import type { EmulatedUser } from "./types";

export type ApiRoute =
  "GET /users" | "POST /users" | "GET /users/:id" | "PATCH /users/:id" | "DELETE /users/:id";

export interface MatchedRoute {
  route: ApiRoute;
  userId?: string;
}

/** What to send back; `undefined` body means none (204). */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  /** A PATCH changed the account (for the counters). */
  patchApplied?: boolean;
}

export interface ApiRequest {
  route: MatchedRoute | undefined;
  query: string;
  authorization: string | undefined;
  body: RequestBody;
}

export interface Account {
  ownerKey: string;
  users: UserStore;
  random: RandomSource;
}

const NOT_FOUND = { status: 404, body: errorBody(404, "Not found.") } satisfies ApiAnswer;
const INVALID_TOKEN = {
  status: 401,
  body: errorBody(401, "Invalid API token."),
} satisfies ApiAnswer;
const INVALID_USER = { status: 404, body: errorBody(404, "Invalid user.") } satisfies ApiAnswer;
const FORBIDDEN = {
  status: 403,
  body: errorBody(403, "Unauthorized to manage users."),
} satisfies ApiAnswer;

/** The route a request is for; the id segment is taken as sent, unknown or malformed alike. */
export function matchApiRoute(method: string, path: string): MatchedRoute | undefined {
  if (path === "/users") {
    if (method === "GET") return { route: "GET /users" };
    if (method === "POST") return { route: "POST /users" };
    return undefined;
  }
  const userId = /^\/users\/([^/]+)$/.exec(path)?.[1];
  if (userId === undefined) return undefined;
  if (method === "GET" || method === "PATCH" || method === "DELETE") {
    return { route: `${method} /users/:id`, userId };
  }
  return undefined;
}

/** Auth first, then the route, then the caller's permission, then the body. */
export function answerApiRequest(request: ApiRequest, account: Account): ApiAnswer {
  const caller = identifyCaller(request.authorization, account.ownerKey, account.users);
  if (caller === undefined) return INVALID_TOKEN;
  const { route } = request;
  if (route === undefined) return NOT_FOUND;
  if (!mayManageUsers(caller)) return FORBIDDEN;
  if (request.body.kind === "too-large") {
    return { status: 413, body: errorBody(413, "Request body too large (limit 1 MiB).") };
  }
  const text = request.body.kind === "complete" ? request.body.text : "";

  switch (route.route) {
    case "GET /users":
      return listUsers(request.query, account.users);
    case "POST /users":
      return withJsonBody(text, (body) => createUser(body, account));
    case "GET /users/:id":
      return withUser(route, account.users, (user) => ({
        status: 200,
        body: { user: publicUser(user) },
      }));
    case "PATCH /users/:id":
      return withUser(route, account.users, (user) =>
        withJsonBody(text, (body) => updateUser(user, body, account.users)),
      );
    case "DELETE /users/:id":
      return withUser(route, account.users, (user) => {
        account.users.delete(user.id);
        return { status: 204 };
      });
  }
}

function listUsers(query: string, users: UserStore): ApiAnswer {
  const params = new URLSearchParams(query);
  const perPage = parsePerPage(params.get("per_page"));
  if (!perPage.ok) return badRequest(perPage.reason);
  const cursor = parseCursor(params.get("cursor"));
  if (!cursor.ok) return badRequest(cursor.reason);
  const listed = users.listed();
  const page = pageOf(listed, cursor.value, perPage.value);
  return {
    status: 200,
    body: {
      users: page.users.map((entry) => publicUser(entry.user)),
      meta: { total: listed.length, links: { next: page.next, prev: page.prev } },
    },
  };
}

function createUser(body: unknown, account: Account): ApiAnswer {
  const parsed = newUserFromBody(body);
  if (!parsed.ok) return badRequest(parsed.reason);
  const fields = parsed.value;
  if (account.users.hasEmail(fields.email)) return badRequest("Email address is already in use.");
  let id = account.random.uuid();
  while (account.users.hasId(id)) id = account.random.uuid();
  const user = account.users.add({ id, ...fields, api_key: uniqueApiKey(account) });
  // The only answer that ever carries a user's API key.
  return { status: 201, body: { user: { ...publicUser(user), api_key: user.api_key } } };
}

function updateUser(user: EmulatedUser, body: unknown, users: UserStore): ApiAnswer {
  const parsed = userChangesFromBody(body, user);
  if (!parsed.ok) return badRequest(parsed.reason);
  const { email } = parsed.value;
  if (email !== undefined && users.hasEmail(email, user.id)) {
    return badRequest("Email address is already in use.");
  }
  users.update(user.id, parsed.value);
  // PATCH answers 204 with an empty body; clients must not try to parse one.
  return { status: 204, patchApplied: true };
}

/** The user JSON of GET and list answers: never the password, never the API key. */
export function publicUser(user: EmulatedUser) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    api_enabled: user.api_enabled,
    acls: user.acls,
    service_user: user.service_user,
  };
}

function withUser(
  route: MatchedRoute,
  users: UserStore,
  answer: (user: EmulatedUser) => ApiAnswer,
): ApiAnswer {
  const user = route.userId === undefined ? undefined : users.get(route.userId);
  return user === undefined ? INVALID_USER : answer(user);
}

function withJsonBody(text: string, answer: (body: unknown) => ApiAnswer): ApiAnswer {
  const parsed = parseJson(text);
  return parsed.ok ? answer(parsed.value) : badRequest(parsed.reason);
}

function badRequest(reason: string): ApiAnswer {
  return { status: 400, body: errorBody(400, reason) };
}

function uniqueApiKey(account: Account): string {
  let key = account.random.apiKey();
  while (key === account.ownerKey || account.users.hasApiKey(key)) {
    key = account.random.apiKey();
  }
  return key;
}
