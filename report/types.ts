/**
 * What the report reads (the client's own types) and what it prints. The findings and formats
 * are pure functions over these plain data.
 */
import type { AllowlistEntry } from "../provider/allowlist";
import type { ApiKeyInfo, VultrUser } from "../provider/client/types";
import type { FindingCode } from "./finding-codes";

/** A user as the list endpoint shows it; the 2026 fields are absent on older answers. */
export type AccountUser = VultrUser;
export type { AllowlistEntry, ApiKeyInfo };

/** Everything read from Vultr for one report. `undefined` maps: not read (option off). */
export interface AccountSnapshot {
  endpoint: string;
  users: AccountUser[];
  allowlists: Map<string, AllowlistEntry[]> | undefined;
  apiKeys: Map<string, ApiKeyInfo[]> | undefined;
}

/** One declaration found in a stack export. */
export interface Declaration {
  /** `<project>/<stack>`, from the resource's URN. */
  stack: string;
  /** The resource's name, the last part of its URN. */
  resource: string;
  kind: "UserApiAccess" | "ApiAccessPolicy";
  /** The user it targets, when the state knows it (by id, or only by email). */
  userId: string | undefined;
  email: string | undefined;
  /** What it declares: `true`/`false`, or `null` for a policy's allowed or exempt user. */
  declaredApiEnabled: boolean | null;
  /** `allowedIps` as declared, when the resource manages the allowlist. */
  declaredAllowedIps: string[] | null;
}

/** An `ApiAccessPolicy` as its outputs describe it. */
export interface PolicyDeclaration {
  stack: string;
  resource: string;
  allowedUserIds: string[];
  exemptUserIds: string[];
  enforce: boolean;
  /** Whether it disables `manage_users` holders too; by default it leaves them alone. */
  includeAdmins: boolean;
  /** Admins the policy left alone at its last update: it does not manage them. */
  skippedAdminIds: string[];
}

/** The declarations of every `--state` file. */
export interface StackDeclarations {
  /** `<project>/<stack>` of each file read. */
  stacks: string[];
  accesses: Declaration[];
  policies: PolicyDeclaration[];
  /** The keys each UserApiKey of the files made and still holds (absent: none read). */
  keys?: KeyDeclaration[];
}

/** A UserApiKey in a state file: the keys it made (current, previous, retiring). */
export interface KeyDeclaration {
  stack: string;
  resource: string;
  userId: string | undefined;
  keyIds: string[];
}

export interface ManagedBy {
  stack: string;
  resource: string;
  kind: "UserApiAccess" | "ApiAccessPolicy";
  declaredApiEnabled: boolean | null;
  declaredAllowedIps: string[] | null;
}

export interface AllowlistSummary {
  anyIpv4: boolean;
  anyIpv6: boolean;
  /** Every other entry, as `subnet/size`. */
  subnets: string[];
}

/** One of a user's keys, as `--keys` lists it: never the key itself. */
export interface KeyItem {
  id: string;
  name: string;
  /** `"…3f9a2"`: the visible tail of Vultr's masked form. */
  hint: string;
  /** ISO 8601 as Vultr wrote it, or null when the key does not expire. */
  dateExpire: string | null;
  /** With `--state`: the UserApiKey that made this key. */
  madeBy?: { stack: string; resource: string };
}

export interface KeysSummary {
  count: number;
  /** Keys past their expiry date: counted in `count`, no longer accepted by Vultr. */
  expired: number;
  /** The earliest expiry among keys that have not expired yet (ISO 8601), or null. */
  nextExpiry: string | null;
  /** Every key, in Vultr's order. */
  items: KeyItem[];
}

/** One user in the JSON document. */
export interface ReportUser {
  id: string;
  email: string;
  name: string;
  status: string | null;
  serviceUser: boolean;
  apiEnabled: boolean;
  acls: string[];
  manageUsers: boolean;
  lastActivity: string | null;
  allowlist: AllowlistSummary | null;
  keys: KeysSummary | null;
  managedBy: ManagedBy[];
  findings: FindingCode[];
}

export interface ReportDocument {
  generatedAt: string;
  endpoint: string;
  /** `<project>/<stack>` of every `--state` file; `[]` without `--state`. */
  stacks: string[];
  users: ReportUser[];
  summary: { users: number; apiEnabled: number; findings: Record<string, number> };
  /** What the report could not check with the options given (also written to stderr). */
  notes: string[];
}
