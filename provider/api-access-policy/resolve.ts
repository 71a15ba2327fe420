/**
 * Resolves `allowed` and `exempt` to user ids through the directory (the snapshot UserApiAccess
 * reads too). A miss is confirmed with the API before it is reported: the directory reads an id
 * that is not in the list by itself, and reads the list once more for an email.
 */
import type { UserDirectory } from "../account/directory";
import { usersCount } from "../account/naming";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown } from "../values/unknown";
import type { Resolution } from "./plan";
import type { DeclaredPolicy, PolicyEntry } from "./types";

export interface ResolvedPolicy {
  resolution: Resolution;
  failures: CheckFailure[];
}

export async function resolveEntries(
  directory: UserDirectory,
  declared: DeclaredPolicy,
): Promise<ResolvedPolicy> {
  const failures: CheckFailure[] = [];
  const allowed = await resolveList(directory, "allowed", declared.allowed, failures);
  const exempt = await resolveList(directory, "exempt", declared.exempt, failures);
  return {
    resolution: {
      allowed: allowed.ids,
      exempt: exempt.ids,
      pending: allowed.pending || exempt.pending,
    },
    failures,
  };
}

async function resolveList(
  directory: UserDirectory,
  property: "allowed" | "exempt",
  list: DeclaredPolicy["allowed"],
  failures: CheckFailure[],
): Promise<{ ids: Set<string>; pending: boolean }> {
  const ids = new Set<string>();
  if (isUnknown(list)) return { ids, pending: true };
  let pending = false;
  for (const [index, entry] of list.entries()) {
    if (entry.kind === "unknown") {
      pending = true;
      continue;
    }
    const user =
      entry.kind === "id"
        ? await directory.get(entry.value)
        : await directory.findByEmail(entry.value);
    if (user === undefined) {
      failures.push({
        property,
        reason: await namesNoUser(directory, `${property}[${index}]`, entry, property),
      });
    } else {
      ids.add(user.id.toLowerCase());
    }
  }
  return { ids, pending };
}

async function namesNoUser(
  directory: UserDirectory,
  position: string,
  entry: Exclude<PolicyEntry, { kind: "unknown" }>,
  property: string,
): Promise<string> {
  const what =
    entry.kind === "id" ? `the id ${entry.value}` : `the email ${JSON.stringify(entry.value)}`;
  return (
    `${position}: no Vultr user has ${what} (the account holds ${usersCount(await directory.total())}); ` +
    `check the ${entry.kind === "id" ? "id" : "address"}, or remove the entry from ${property}`
  );
}
