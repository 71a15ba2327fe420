/**
 * The per-user API IP allowlist (2026 API): `GET/POST/DELETE /users/{id}/ip-whitelist`. Reached
 * as methods of VultrUsersClient; these functions hold the wire shapes and what each answer means.
 */
import { formatEntry, readListedEntry, type AllowlistEntry } from "../allowlist";
import { isVultrApiError } from "./errors";
import { fail, isRecord } from "./parse";
import type { RequestCore } from "./request-core";

/** An entry to add or remove: the network and prefix, as Vultr's request body carries them. */
export interface AllowlistSubnet {
  subnet: string;
  subnetSize: number;
}

/** `{"ip_whitelist":[{"subnet","subnet_size","date_added","ip_type"}…],"meta":{"total":N}}` */
export function parseAllowlist(value: unknown, context: string): AllowlistEntry[] {
  if (!isRecord(value) || !Array.isArray(value.ip_whitelist)) {
    return fail(context, "has no ip_whitelist list");
  }
  const listed: unknown[] = value.ip_whitelist;
  const meta = isRecord(value.meta) ? value.meta : {};
  // The list has no paging: a total above what arrived means entries are missing, and managing
  // an allowlist from part of it would remove entries that exist.
  if (typeof meta.total === "number" && meta.total > listed.length) {
    return fail(context, `lists ${listed.length} of ${meta.total} allowlist entries`);
  }
  return listed.map((item, i) => {
    if (!isRecord(item)) return fail(context, `has allowlist entry ${i} that is not an object`);
    const { subnet, subnet_size: size, ip_type: ipType } = item;
    const entry =
      typeof subnet === "string" && typeof size === "number"
        ? readListedEntry(subnet, size)
        : undefined;
    if (entry === undefined) {
      return fail(
        context,
        `has allowlist entry ${i} that is not an address and prefix length ` +
          `(subnet ${JSON.stringify(subnet)}, subnet_size ${JSON.stringify(size)})`,
      );
    }
    if (ipType !== entry.ipType) {
      return fail(
        context,
        `has allowlist entry ${formatEntry(entry)} with ip_type ${JSON.stringify(ipType)} ` +
          `instead of "${entry.ipType}"`,
      );
    }
    return entry;
  });
}

export async function listAllowlist(core: RequestCore, userId: string): Promise<AllowlistEntry[]> {
  const path = core.userPath(userId, "/ip-whitelist");
  const label = `Reading the API allowlist of Vultr user ${userId}`;
  const body = await core.call({ method: "GET", path, label, userId, idempotent: true });
  return parseAllowlist(body, label);
}

function wireBody(entry: AllowlistSubnet): { subnet: string; subnet_size: number } {
  return { subnet: entry.subnet, subnet_size: entry.subnetSize };
}

/** POST; Vultr answers 204, and adding an entry that exists is not an error: safe to retry. */
export async function addAllowlistEntry(
  core: RequestCore,
  userId: string,
  entry: AllowlistSubnet,
): Promise<void> {
  const path = core.userPath(userId, "/ip-whitelist");
  const label = `Adding ${formatEntry(entry)} to the API allowlist of Vultr user ${userId}`;
  await core.call({ method: "POST", path, body: wireBody(entry), label, userId, idempotent: true });
}

/**
 * A 404 about the entry, not the user: "IP whitelist entry not found." (the emulator's default;
 * Vultr's own text is undocumented). "Invalid user." and any text about the user stay errors.
 */
function saysEntryAbsent(vultrMessage: string): boolean {
  return /not found/i.test(vultrMessage) && !/user/i.test(vultrMessage);
}

/**
 * DELETE with the entry as a JSON body; Vultr answers 204. An entry already gone is "absent",
 * not an error: a retried DELETE whose first answer was lost meets exactly that.
 */
export async function removeAllowlistEntry(
  core: RequestCore,
  userId: string,
  entry: AllowlistSubnet,
): Promise<"removed" | "absent"> {
  const path = core.userPath(userId, "/ip-whitelist");
  const label = `Removing ${formatEntry(entry)} from the API allowlist of Vultr user ${userId}`;
  try {
    await core.call({
      method: "DELETE",
      path,
      body: wireBody(entry),
      label,
      userId,
      idempotent: true,
    });
    return "removed";
  } catch (error) {
    if (isVultrApiError(error) && error.status === 404 && saysEntryAbsent(error.vultrMessage)) {
      return "absent";
    }
    throw error;
  }
}
