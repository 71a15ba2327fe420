/**
 * Allowlists as the report shows and compares them: "any" flags plus canonical `subnet/size`,
 * in the provider's canonical form (provider/allowlist), so a report and a `pulumi up` agree on
 * what counts as the same range.
 */
import {
  formatEntry,
  parseEntry,
  readListedEntry,
  sortEntries,
  type AllowlistEntry,
} from "../provider/allowlist";
import type { AllowlistSummary } from "./types";

/** Vultr's `subnet_size` 0 means the whole family, whatever the subnet says. */
export function summarizeAllowlist(entries: readonly AllowlistEntry[]): AllowlistSummary {
  const summary: AllowlistSummary = { anyIpv4: false, anyIpv6: false, subnets: [] };
  const ranges: AllowlistEntry[] = [];
  const unreadable: string[] = [];
  for (const entry of entries) {
    if (entry.subnetSize === 0) {
      if (entry.ipType === "v6") summary.anyIpv6 = true;
      else summary.anyIpv4 = true;
      continue;
    }
    const listed = readListedEntry(entry.subnet, entry.subnetSize);
    if (listed === undefined) unreadable.push(formatEntry(entry));
    else ranges.push(listed);
  }
  summary.subnets = [...sortEntries(ranges).map(formatEntry), ...unreadable];
  return summary;
}

/** A declared range in canonical form; text the provider would refuse stays as written. */
function canonicalRange(text: string): string {
  const parsed = parseEntry(text);
  return parsed.ok ? formatEntry(parsed.entry) : text.trim();
}

/** The allowlist as a set of canonical ranges, "any" as `0.0.0.0/0` and `::/0`. */
function rangesOf(summary: AllowlistSummary): Set<string> {
  return new Set([
    ...(summary.anyIpv4 ? ["0.0.0.0/0"] : []),
    ...(summary.anyIpv6 ? ["::/0"] : []),
    ...summary.subnets,
  ]);
}

/** Whether a declared `allowedIps` list is exactly what the account holds. */
export function sameAllowlist(declared: readonly string[], held: AllowlistSummary): boolean {
  const want = new Set(declared.map(canonicalRange));
  const have = rangesOf(held);
  return want.size === have.size && [...want].every((range) => have.has(range));
}
