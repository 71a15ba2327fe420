/** The report document from what was read: pure, so every rule is tested without I/O. */
import { summarizeAllowlist } from "./allowlist";
import { FINDING_CODES, findingsFor, type FindingCode } from "./findings";
import { keyItems, summarizeKeys } from "./keys";
import { managedByFor } from "./state";
import type {
  AccountSnapshot,
  AccountUser,
  ReportDocument,
  ReportUser,
  StackDeclarations,
} from "./types";

function displayName(user: AccountUser): string {
  if (user.name !== "") return user.name;
  return [user.firstName, user.lastName]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
}

export function buildReport(
  account: AccountSnapshot,
  stacks: StackDeclarations | undefined,
  now: Date,
): ReportDocument {
  const users = account.users.map((user): ReportUser => {
    const entries = account.allowlists?.get(user.id);
    const keys = account.apiKeys?.get(user.id);
    const allowlist = entries === undefined ? null : summarizeAllowlist(entries);
    const keyEvidence = keys === undefined ? null : summarizeKeys(keys, now);
    const managedBy = stacks === undefined ? null : managedByFor(user, stacks);
    const findings = findingsFor({ user, allowlist, keys: keyEvidence, managedBy }, now);
    return {
      id: user.id,
      email: user.email,
      name: displayName(user),
      status: user.status ?? null,
      serviceUser: user.serviceUser ?? false,
      apiEnabled: user.apiEnabled,
      acls: [...user.acls].sort(),
      manageUsers: user.acls.includes("manage_users"),
      lastActivity:
        user.lastActivity === undefined || user.lastActivity === "" ? null : user.lastActivity,
      allowlist,
      keys:
        keyEvidence === null
          ? null
          : {
              count: keyEvidence.count,
              expired: keyEvidence.count - keyEvidence.valid,
              nextExpiry: keyEvidence.nextExpiry,
              items: keyItems(keys ?? [], stacks?.keys),
            },
      managedBy: managedBy ?? [],
      findings,
    };
  });
  const counts: Partial<Record<FindingCode, number>> = {};
  for (const user of users) {
    for (const code of user.findings) counts[code] = (counts[code] ?? 0) + 1;
  }
  const findings: Record<string, number> = {};
  for (const code of FINDING_CODES) if (counts[code] !== undefined) findings[code] = counts[code];
  return {
    generatedAt: now.toISOString(),
    endpoint: account.endpoint,
    stacks: stacks?.stacks ?? [],
    users,
    summary: {
      users: users.length,
      apiEnabled: users.filter((user) => user.apiEnabled).length,
      findings,
    },
    notes: notesFor(account, stacks),
  };
}

/**
 * What the options left unchecked that a reader would otherwise take as checked: allowlist
 * drift needs the allowlists, so a `--fail-on drift` gate without `--allowlists` cannot see it.
 */
function notesFor(account: AccountSnapshot, stacks: StackDeclarations | undefined): string[] {
  if (stacks === undefined || account.allowlists !== undefined) return [];
  const declaring = stacks.accesses
    .filter((access) => access.declaredAllowedIps !== null)
    .map((access) => `${access.stack}:${access.resource}`);
  if (declaring.length === 0) return [];
  const shown =
    declaring.length <= 3
      ? declaring.join(", ")
      : `${declaring.slice(0, 3).join(", ")} and ${declaring.length - 3} more`;
  const one = declaring.length === 1;
  return [
    `allowlist drift was not checked: ${declaring.length} ${one ? "resource" : "resources"} ` +
      `of the given stacks ${one ? "declares" : "declare"} allowedIps (${shown}), but ` +
      "--allowlists was not given; add --allowlists to compare them with the account",
  ];
}
