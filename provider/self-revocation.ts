/**
 * A deployment must never revoke the key it runs with: the remaining steps would fail with 401
 * and the stack would stay stuck until somebody used the owner's key.
 *
 * Only the account owner and users holding `manage_users` can run this provider, so only
 * turning API access off for a `manage_users` holder can revoke the running key. Vultr has no
 * "who am I" endpoint; `GET /users/{id}/apikeys` lists a user's keys masked but for their last
 * characters, which tells whether the running key is among them: one request per such user,
 * once per process. The owner's key belongs to no sub-user and is never refused.
 */
import { keyMatches } from "./client";
import type { VultrUser } from "./client/types";
import { describeUser } from "./reconcile";
import { ExpectedFailure } from "./handler-support";
import type { Runtime } from "./runtime";

const MANAGE_USERS = "manage_users";

/** Answers per user id: does the running key belong to this user? */
const ownership = new Map<string, Promise<boolean>>();

export function holdsManageUsers(user: VultrUser): boolean {
  return user.acls.includes(MANAGE_USERS);
}

/** Whether the key this process runs with is one of `user`'s keys (one request, cached). */
function runningKeyBelongsTo(rt: Runtime, user: VultrUser): Promise<boolean> {
  const id = user.id.toLowerCase();
  const cached = ownership.get(id);
  if (cached !== undefined) return cached;
  const answer = rt.client
    .listApiKeys(user.id)
    .then((keys) => keys.some((key) => keyMatches(key.maskedKey, rt.settings.apiKey)));
  // A failed look-up is not an answer: the next write asks again.
  answer.catch(() => ownership.delete(id));
  ownership.set(id, answer);
  return answer;
}

/**
 * Throws before any write that would turn API access off for the running key's own user.
 */
export async function refuseSelfRevocation(rt: Runtime, user: VultrUser): Promise<void> {
  if (!holdsManageUsers(user)) return;
  if (await runningKeyBelongsTo(rt, user)) {
    throw new ExpectedFailure(
      `refusing to disable API access of ${describeUser(user)}: the API key this deployment runs ` +
        "with belongs to that user — run this change with the account owner's key",
    );
  }
}
