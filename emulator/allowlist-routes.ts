import type { Account } from "./account";
import { checkNewSubnet, parseSubnet, sameSubnet, sizeFromQuery, type Subnet } from "./allowlist";
import { badRequest, NO_CONTENT, notFound, type ApiAnswer } from "./api-answers";
import type { EmulatedUser } from "./types";
import { isoSeconds } from "./user-profile";

// /users/{id}/ip-whitelist (2026): list, look up, add, remove. Lookups and removals check only
// the syntax, so whatever is stored (drift included) can be found and removed.

const ENTRY_NOT_FOUND = "IP whitelist entry not found.";

export function listAllowlist(user: EmulatedUser): ApiAnswer {
  return {
    status: 200,
    body: { ip_whitelist: user.ip_whitelist, meta: { total: user.ip_whitelist.length } },
  };
}

/** GET …/ip-whitelist/entry?subnet=&subnet_size= */
export function allowlistEntry(user: EmulatedUser, query: string): ApiAnswer {
  const params = new URLSearchParams(query);
  const subnet = parseSubnet(
    params.get("subnet") ?? undefined,
    sizeFromQuery(params.get("subnet_size")),
  );
  if (!subnet.ok) return badRequest(subnet.reason);
  const entry = user.ip_whitelist.find((candidate) => sameSubnet(candidate, subnet.value));
  return entry === undefined
    ? notFound(ENTRY_NOT_FOUND)
    : { status: 200, body: { ip_whitelist_entry: entry } };
}

/** POST: 204 whether the entry is new or already there (then nothing changes). */
export function addAllowlistEntry(user: EmulatedUser, body: unknown, account: Account): ApiAnswer {
  const parsed = subnetFromBody(body);
  if (!parsed.ok) return badRequest(parsed.reason);
  const checked = checkNewSubnet(parsed.value, account.behaviour);
  if (!checked.ok) return badRequest(checked.reason);
  const subnet = checked.value;
  if (user.ip_whitelist.some((entry) => sameSubnet(entry, subnet))) return NO_CONTENT;
  const max = account.behaviour.allowlistMaxEntries;
  if (user.ip_whitelist.length >= max) {
    return badRequest(
      `IP whitelist limit reached: a user may have at most ${max} entries; remove one first.`,
    );
  }
  const added = {
    subnet: subnet.subnet,
    subnet_size: subnet.prefix,
    date_added: isoSeconds(account.now),
    ip_type: subnet.ip_type,
  };
  account.users.update(user.id, { ip_whitelist: [...user.ip_whitelist, added] });
  return NO_CONTENT;
}

/** DELETE with the same JSON body as POST. An absent entry: 404 (or 204, a knob). */
export function removeAllowlistEntry(
  user: EmulatedUser,
  body: unknown,
  account: Account,
): ApiAnswer {
  const parsed = subnetFromBody(body);
  if (!parsed.ok) return badRequest(parsed.reason);
  const kept = user.ip_whitelist.filter((entry) => !sameSubnet(entry, parsed.value));
  if (kept.length === user.ip_whitelist.length) {
    return account.behaviour.allowlistAbsentRemoveStatus === 404
      ? notFound(ENTRY_NOT_FOUND)
      : NO_CONTENT;
  }
  account.users.update(user.id, { ip_whitelist: kept });
  return NO_CONTENT;
}

function subnetFromBody(body: unknown) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, reason: "Request body must be a JSON object." } as const;
  }
  const fields = body as Record<string, unknown>;
  return parseSubnet(fields["subnet"], fields["subnet_size"]) as
    { ok: true; value: Subnet } | { ok: false; reason: string };
}
