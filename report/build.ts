/** The report document from what was read: pure, so every rule is tested without I/O. */
import { summarizeAllowlist } from "./allowlist";
import { FINDING_CODES, findingsFor, type FindingCode } from "./findings";
import { summarizeKeys } from "./keys";
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
          : { count: keyEvidence.count, nextExpiry: keyEvidence.nextExpiry },
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
  };
}
