import type { OnDeletePolicy } from "../account/deployment";
import type { AllowlistEntry } from "../allowlist/entry";
import { UNKNOWN } from "../values/unknown";

/** What removing the resource does to the user's API access. */
export type { OnDeletePolicy };

export const ON_DELETE_POLICIES: readonly OnDeletePolicy[] = ["restore", "disable", "retain"];

export { UNKNOWN };

/** The inputs after `check`: validated, defaults applied. Either value may still be UNKNOWN. */
export interface DeclaredAccess {
  userId?: string;
  email?: string;
  apiEnabled: boolean | typeof UNKNOWN;
  onDelete: OnDeletePolicy | typeof UNKNOWN;
  /**
   * The API allowlist to hold exactly (canonical, sorted); absent when the allowlist is not
   * managed. UNKNOWN while any entry is still to be computed.
   */
  allowedIps?: AllowlistEntry[] | typeof UNKNOWN;
  /**
   * How many UserApiAccess resources the program declared (set by the SDK). Only a hint for
   * the directory's choice between single reads and reading the whole list; never diffed.
   */
  fleetSize?: number;
}

/** The resource's outputs, as stored in state. `olds` in diff/update/delete are these. */
export interface AccessOutputs {
  userId: string;
  email: string;
  name: string;
  /** As applied by the last create/update, or as read by refresh. */
  apiEnabled: boolean;
  /** Read-only; Vultr may reorder it, so it is sorted and compared as a set. */
  acls: string[];
  /** What the user had when the resource adopted it; `onDelete: "restore"` goes back to it. */
  initialApiEnabled: boolean;
  onDelete: OnDeletePolicy;
  /** The API allowlist as applied (canonical, sorted); absent when it is not managed. */
  allowedIps?: string[];
  /** The allowlist found when the resource began managing it; `restore` puts it back. */
  initialAllowedIps?: string[];
}
