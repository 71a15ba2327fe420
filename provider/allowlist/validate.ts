/**
 * Validation of the `allowedIps` input for `check`: every problem is one failure naming
 * `allowedIps` or `allowedIps[i]`, with the offending text quoted.
 */
import { UNKNOWN } from "../values/unknown";
import { quoteForMessage } from "../values/user-id";
import ipaddr from "ipaddr.js";
import { formatEntry, parseEntry, sortEntries, type AllowlistEntry } from "./entry";
import { rangeProblem } from "./public-ranges";

/** Vultr's limit is undocumented; 50 is the emulator's default and the plausible one. */
export const DEFAULT_MAX_ALLOWLIST_ENTRIES = 50;

export interface AllowedIpsFailure {
  property: string;
  reason: string;
}

export interface AllowedIpsValidation {
  /** The valid entries: canonical, deduplicated, sorted. */
  entries: AllowlistEntry[];
  failures: AllowedIpsFailure[];
}

export interface AllowedIpsOptions {
  /** The declared `apiEnabled`; "unknown" while it is computed during preview. */
  apiEnabled: boolean | "unknown";
  maxEntries: number;
}

/** "null", "a list", or the type and a clipped rendering: what a wrong value was. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `${typeof value} ${quoteForMessage(value)}`;
}

/** Validates the `allowedIps` input. Pulumi's unknown values (during preview) are skipped. */
export function validateAllowedIps(
  value: unknown,
  options: AllowedIpsOptions,
): AllowedIpsValidation {
  if (value === UNKNOWN) return { entries: [], failures: [] };
  if (!Array.isArray(value)) {
    return {
      entries: [],
      failures: [
        {
          property: "allowedIps",
          reason:
            `allowedIps must be a list of IP addresses or CIDR ranges (e.g. ["8.8.8.8", ` +
            `"2606:4700::/32"]), got ${describeValue(value)}`,
        },
      ],
    };
  }
  const failures: AllowedIpsFailure[] = [];
  /** Canonical text → the first index that declared it. */
  const firstIndex = new Map<string, number>();
  const entries: AllowlistEntry[] = [];
  value.forEach((element: unknown, i) => {
    const property = `allowedIps[${i}]`;
    if (element === UNKNOWN) return;
    if (typeof element !== "string") {
      failures.push({
        property,
        reason: `${property} must be a string holding an IP address or CIDR range, got ${describeValue(element)}`,
      });
      return;
    }
    const parsed = parseEntry(element);
    if (!parsed.ok) {
      failures.push({ property, reason: parsed.reason });
      return;
    }
    const problem = rangeProblem(parsed.entry, element.trim());
    if (problem !== undefined) {
      failures.push({ property, reason: problem });
      return;
    }
    const text = formatEntry(parsed.entry);
    const earlier = firstIndex.get(text);
    if (earlier !== undefined) {
      failures.push({
        property,
        reason:
          `${quoteForMessage(element)} repeats allowedIps[${earlier}] ` +
          `(${quoteForMessage(value[earlier])}): both are ${text}; list each range once`,
      });
      return;
    }
    firstIndex.set(text, i);
    entries.push(parsed.entry);
  });
  if (value.length > options.maxEntries) {
    failures.push({
      property: "allowedIps",
      reason:
        `allowedIps lists ${value.length} entries; Vultr holds at most ${options.maxEntries} ` +
        "per user: merge neighbouring addresses into wider ranges",
    });
  }
  if (value.length === 0 && options.apiEnabled === true) {
    failures.push({
      property: "allowedIps",
      reason:
        "an empty allowlist with apiEnabled: true means the user's keys work from nowhere; " +
        "set apiEnabled: false instead",
    });
  }
  return { entries: sortEntries(entries), failures };
}

/**
 * Entries a wider entry of the same list already admits (`["0.0.0.0/0", "8.8.8.0/24"]`): not
 * wrong, but they change nothing, and often mean the wider one was meant to go. One note each,
 * naming both by index; nothing for lists that do not validate.
 */
export function redundantEntries(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const parsed = value.map((element: unknown, index) => {
    if (typeof element !== "string") return undefined;
    const read = parseEntry(element);
    return read.ok ? { index, entry: read.entry } : undefined;
  });
  const notes: string[] = [];
  for (const narrow of parsed) {
    if (narrow === undefined) continue;
    const wider = parsed.find(
      (other) =>
        other !== undefined &&
        other.entry.ipType === narrow.entry.ipType &&
        other.entry.subnetSize < narrow.entry.subnetSize &&
        ipaddr
          .parse(narrow.entry.subnet)
          .match(ipaddr.parse(other.entry.subnet), other.entry.subnetSize),
    );
    if (wider === undefined) continue;
    const text = formatEntry(narrow.entry);
    const by = formatEntry(wider.entry);
    notes.push(
      `allowedIps[${narrow.index}] ${text} is already admitted by ${by} (allowedIps[${wider.index}]): ` +
        `it adds nothing — remove it, or remove ${by} if the keys should work from the narrower ranges only`,
    );
  }
  return notes;
}
