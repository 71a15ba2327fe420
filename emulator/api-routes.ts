import type { Account } from "./account";
import { canonicalAddress, peerAddress } from "./address-policy";
import { allowlistAdmits } from "./allowlist";
import {
  addAllowlistEntry,
  allowlistEntry,
  listAllowlist,
  removeAllowlistEntry,
} from "./allowlist-routes";
import {
  FORBIDDEN,
  INVALID_TOKEN,
  INVALID_USER,
  NOT_FOUND,
  unauthorizedAddress,
  withJsonBody,
  type ApiAnswer,
} from "./api-answers";
import { createApiKey, deleteApiKey, listApiKeys } from "./api-key-routes";
import { identifyCaller, mayManageUsers, type Caller } from "./auth";
import { errorBody, type RequestBody } from "./http-exchange";
import type { EmulatedUser } from "./types";
import { isoSeconds } from "./user-profile";
import { createUser, deleteUser, listUsers, publicUser, updateUser } from "./user-routes";

export type { Account } from "./account";
export type { ApiAnswer } from "./api-answers";
export { publicUser };

export type ApiRoute =
  | "GET /users"
  | "POST /users"
  | "GET /users/:id"
  | "PATCH /users/:id"
  | "DELETE /users/:id"
  | "GET /users/:id/apikeys"
  | "POST /users/:id/apikeys"
  | "DELETE /users/:id/apikeys/:apikey_id"
  | "GET /users/:id/ip-whitelist"
  | "POST /users/:id/ip-whitelist"
  | "DELETE /users/:id/ip-whitelist"
  | "GET /users/:id/ip-whitelist/entry";

export interface MatchedRoute {
  route: ApiRoute;
  userId?: string;
  /** The key id of `DELETE /users/:id/apikeys/:apikey_id`. */
  keyId?: string;
}

export interface ApiRequest {
  route: MatchedRoute | undefined;
  query: string;
  authorization: string | undefined;
  body: RequestBody;
}

const USER_PATH = /^\/users\/([^/]+)(?:\/(apikeys|ip-whitelist)(?:\/([^/]+))?)?$/;

/** The route a request is for; path segments are taken as sent, unknown or malformed alike. */
export function matchApiRoute(method: string, path: string): MatchedRoute | undefined {
  if (path === "/users") {
    if (method === "GET") return { route: "GET /users" };
    if (method === "POST") return { route: "POST /users" };
    return undefined;
  }
  const [, userId, collection, item] = USER_PATH.exec(path) ?? [];
  if (userId === undefined) return undefined;
  const route = routeName(method, collection, item);
  if (route === undefined) return undefined;
  return item !== undefined && collection === "apikeys"
    ? { route, userId, keyId: item }
    : { route, userId };
}

function routeName(
  method: string,
  collection: string | undefined,
  item: string | undefined,
): ApiRoute | undefined {
  if (collection === undefined) {
    return method === "GET" || method === "PATCH" || method === "DELETE"
      ? `${method} /users/:id`
      : undefined;
  }
  if (collection === "apikeys") {
    if (item !== undefined)
      return method === "DELETE" ? "DELETE /users/:id/apikeys/:apikey_id" : undefined;
    return method === "GET" || method === "POST" ? `${method} /users/:id/apikeys` : undefined;
  }
  if (item !== undefined) {
    return item === "entry" && method === "GET" ? "GET /users/:id/ip-whitelist/entry" : undefined;
  }
  return method === "GET" || method === "POST" || method === "DELETE"
    ? `${method} /users/:id/ip-whitelist`
    : undefined;
}

/** Auth (key, then the caller's allowlist), then the route, then permission, then the body. */
export function answerApiRequest(request: ApiRequest, account: Account): ApiAnswer {
  const caller = identifyCaller(request.authorization, account);
  if (caller === undefined) return INVALID_TOKEN;
  const refusal = addressRefusal(caller, account.clientAddress);
  if (refusal !== undefined) return refusal;
  // A sub-user's accepted request is their activity; the owner is nobody's user.
  if (caller.kind === "user") {
    account.users.update(caller.user.id, { last_activity: isoSeconds(account.now) });
  }
  const { route } = request;
  if (route === undefined) return NOT_FOUND;
  if (!mayManageUsers(caller)) return FORBIDDEN;
  if (request.body.kind === "too-large") {
    return { status: 413, body: errorBody(413, "Request body too large (limit 1 MiB).") };
  }
  const text = request.body.kind === "complete" ? request.body.text : "";
  const json = (answer: (body: unknown) => ApiAnswer) => withJsonBody(text, answer);
  const forUser = (answer: (user: EmulatedUser) => ApiAnswer): ApiAnswer => {
    const user = route.userId === undefined ? undefined : account.users.get(route.userId);
    return user === undefined ? INVALID_USER : answer(user);
  };

  switch (route.route) {
    case "GET /users":
      return listUsers(request.query, account.users);
    case "POST /users":
      return json((body) => createUser(body, account));
    case "GET /users/:id":
      return forUser((user) => ({ status: 200, body: { user: publicUser(user) } }));
    case "PATCH /users/:id":
      return forUser((user) => json((body) => updateUser(user, body, account)));
    case "DELETE /users/:id":
      return forUser((user) => deleteUser(user, account.users));
    case "GET /users/:id/apikeys":
      return forUser((user) => listApiKeys(user, account));
    case "POST /users/:id/apikeys":
      return forUser((user) => json((body) => createApiKey(user, body, account)));
    case "DELETE /users/:id/apikeys/:apikey_id":
      return forUser((user) => deleteApiKey(user, route.keyId ?? "", account));
    case "GET /users/:id/ip-whitelist":
      return forUser(listAllowlist);
    case "GET /users/:id/ip-whitelist/entry":
      return forUser((user) => allowlistEntry(user, request.query));
    case "POST /users/:id/ip-whitelist":
      return forUser((user) => json((body) => addAllowlistEntry(user, body, account)));
    case "DELETE /users/:id/ip-whitelist":
      return forUser((user) => json((body) => removeAllowlistEntry(user, body, account)));
  }
}

/**
 * A sub-user's key works only from an address its allowlist admits; the owner key is never
 * restricted here. Requests really arrive from loopback, so the address is a setting.
 */
function addressRefusal(caller: Caller, clientAddress: string | undefined): ApiAnswer | undefined {
  if (caller.kind === "owner" || clientAddress === undefined) return undefined;
  const address = peerAddress(clientAddress);
  if (address !== undefined && allowlistAdmits(caller.user.ip_whitelist, address)) return undefined;
  return unauthorizedAddress(address === undefined ? clientAddress : canonicalAddress(address));
}
