/**
 * The allowlist half of diff, without I/O: the declared `allowedIps` against the live allowlist,
 * compared as sets, and what preview says about it.
 */
import { compareAllowlists, formatEntry, type AllowlistEntry } from "../allowlist";
import { UNKNOWN, type AccessOutputs } from "./types";

export interface AllowlistDecision {
  changes: boolean;
  /** Warnings: drift, changed outside Pulumi. */
  notes: string[];
  /** What up will do because the declaration changed (INFO). */
  info: string[];
}

function list(entries: readonly AllowlistEntry[]): string {
  return entries.map(formatEntry).join(", ");
}

function sameTexts(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((text, i) => text === b[i]);
}

/**
 * @param who the user, as messages name it
 * @param declared the declared entries (sorted, canonical); undefined when not managed
 * @param live the user's allowlist now; needed only when `declared` is a list
 * @param declaredBefore what the stored inputs declared (after a refresh, `olds.allowedIps` is
 *   the live list, so the last declaration is what tells drift from a changed declaration)
 */
export function decideAllowlist(
  who: string,
  olds: AccessOutputs,
  declared: AllowlistEntry[] | typeof UNKNOWN | undefined,
  live: readonly AllowlistEntry[] | undefined,
  declaredBefore: readonly string[] | undefined = olds.allowedIps,
): AllowlistDecision {
  if (declared === undefined) {
    if (olds.allowedIps === undefined) return { changes: false, notes: [], info: [] };
    return {
      changes: true,
      notes: [],
      info: [
        `allowedIps is no longer declared: up will stop managing the API allowlist of Vultr user ${who} ` +
          "and leave it as it is",
      ],
    };
  }
  if (declared === UNKNOWN || live === undefined) return { changes: true, notes: [], info: [] };
  const { add, remove } = compareAllowlists(declared, live);
  const declaredTexts = declared.map(formatEntry);
  if (add.length === 0 && remove.length === 0) {
    // Vultr holds the declaration; an update is needed only to record it in the outputs.
    return { changes: !sameTexts(olds.allowedIps, declaredTexts), notes: [], info: [] };
  }
  if (sameTexts(declaredBefore, declaredTexts)) {
    const changed = [
      ...remove.map((entry) => `${formatEntry(entry)} appeared`),
      ...add.map((entry) => `${formatEntry(entry)} disappeared`),
    ];
    return {
      changes: true,
      notes: [
        `drift on the API allowlist of Vultr user ${who}: ${changed.join(", ")} (changed outside Pulumi) — ` +
          `up will set it back to ${declaredTexts.length === 0 ? "no entries" : declaredTexts.join(", ")}`,
      ],
      info: [],
    };
  }
  const steps = [
    ...(add.length > 0 ? [`add ${list(add)}`] : []),
    ...(remove.length > 0 ? [`remove ${list(remove)}`] : []),
  ];
  return {
    changes: true,
    notes: [],
    info: [`the API allowlist of Vultr user ${who} will change: ${steps.join("; ")}`],
  };
}
