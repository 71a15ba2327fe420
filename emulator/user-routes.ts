import { defaultAllowlist } from "./allowlist";
import { badRequest, NO_CONTENT, type ApiAnswer } from "./api-answers";
import { FIRST_KEY_NAME } from "./api-keys";
import { freshKeyValue, type Account } from "./account";
import { newUserFromBody, userChangesFromBody } from "./api-validation";
import { pageOf, parseCursor, parsePerPage } from "./paging";
import type { UserStore } from "./store";
import type { EmulatedUser } from "./types";
import { isoSeconds } from "./user-profile";

// /users and /users/{id}: list, create, read, update, delete.

export function listUsers(query: string, users: UserStore): ApiAnswer {
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

/**
 * A user created through the API is active, has one key ("default", never expiring) and the two
 * "any" allowlist entries; nobody invited it and it has no activity yet.
 */
export function createUser(body: unknown, account: Account): ApiAnswer {
  const parsed = newUserFromBody(body);
  if (!parsed.ok) return badRequest(parsed.reason);
  const fields = parsed.value;
  if (account.users.hasEmail(fields.email)) return badRequest("Email address is already in use.");
  let id = account.random.uuid();
  while (account.users.hasId(id)) id = account.random.uuid();
  const apiKey = freshKeyValue(account);
  const now = isoSeconds(account.now);
  const user = account.users.add({
    id,
    ...fields,
    api_key: apiKey,
    status: "active",
    last_activity: "",
    invited_by: "",
    invited_on: "",
    invite_accepted: true,
    api_keys: [
      {
        id: account.random.uuid(),
        api_key: apiKey,
        name: FIRST_KEY_NAME,
        expire: false,
        date_expire: "",
      },
    ],
    ip_whitelist: defaultAllowlist(now),
  });
  // The only answer that ever carries a user's API key.
  return { status: 201, body: { user: { ...publicUser(user), api_key: user.api_key } } };
}

export function updateUser(user: EmulatedUser, body: unknown, account: Account): ApiAnswer {
  const parsed = userChangesFromBody(body);
  if (!parsed.ok) return badRequest(parsed.reason);
  const { email } = parsed.value;
  if (email !== undefined && account.users.hasEmail(email, user.id)) {
    return badRequest("Email address is already in use.");
  }
  account.users.update(user.id, parsed.value);
  // 204 (or 202 with the knob) and an empty body; clients must not try to parse one.
  return { status: account.behaviour.patchStatus, patchApplied: true };
}

export function deleteUser(user: EmulatedUser, users: UserStore): ApiAnswer {
  users.delete(user.id);
  return NO_CONTENT;
}

/** The user JSON of GET and list answers: never the password, never an API key. */
export function publicUser(user: EmulatedUser) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    api_enabled: user.api_enabled,
    acls: user.acls,
    service_user: user.service_user,
    first_name: user.first_name,
    last_name: user.last_name,
    status: user.status,
    last_activity: user.last_activity,
    invited_by: user.invited_by,
    invited_on: user.invited_on,
    invite_accepted: user.invite_accepted,
  };
}
