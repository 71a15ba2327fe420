/**
 * Which ranges Vultr accepts in an allowlist: public ones, within its prefix bounds. A range is
 * public only if it overlaps no special-purpose block (IANA's IPv4 and IPv6 special-purpose
 * registries): 172.0.0.0/8 is refused because it contains 172.16.0.0/12.
 */
import ipaddr from "ipaddr.js";
import { quoteForMessage } from "../values/user-id";
import { formatEntry, type AllowlistEntry, type IpFamily } from "./entry";

/** Vultr's bounds: IPv4 /8–/32, IPv6 /20–/128; /0 means "any address of the family". */
export const PREFIX_BOUNDS: Readonly<Record<IpFamily, { min: number; max: number }>> = {
  v4: { min: 8, max: 32 },
  v6: { min: 20, max: 128 },
};

interface Block {
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  text: string;
  /** Reads after "the": "private range", "documentation range". */
  kind: string;
  article: "a" | "an";
}

function block(text: string, kind: string, article: "a" | "an" = "a"): Block {
  return { range: ipaddr.parseCIDR(text), text, kind, article };
}

// More specific blocks come first, so a range inside one is named by the closest kind.
const NON_PUBLIC: readonly Block[] = [
  block("0.0.0.0/8", 'unspecified ("this network") range', "an"),
  block("10.0.0.0/8", "private range"),
  block("100.64.0.0/10", "carrier-grade NAT (CGNAT) range"),
  block("127.0.0.0/8", "loopback range"),
  block("169.254.0.0/16", "link-local range"),
  block("172.16.0.0/12", "private range"),
  block("192.0.0.0/24", "reserved (IETF protocol assignments) range"),
  block("192.0.2.0/24", "documentation range"),
  block("192.88.99.0/24", "reserved (deprecated 6to4 relay) range"),
  block("192.168.0.0/16", "private range"),
  block("198.18.0.0/15", "benchmarking range"),
  block("198.51.100.0/24", "documentation range"),
  block("203.0.113.0/24", "documentation range"),
  block("224.0.0.0/4", "multicast range"),
  block("240.0.0.0/4", "reserved range"),
  block("::/128", "unspecified address", "an"),
  block("::1/128", "loopback address"),
  block("::ffff:0:0/96", "IPv4-mapped range", "an"),
  block("64:ff9b::/96", "NAT64 translation range"),
  block("64:ff9b:1::/48", "NAT64 translation range"),
  block("100::/64", "discard-only range"),
  block("2001:2::/48", "benchmarking range"),
  block("2001:db8::/32", "documentation range"),
  block("2001::/23", "reserved (IETF protocol assignments) range"),
  block("3fff::/20", "documentation range"),
  block("fc00::/7", "unique-local range"),
  block("fe80::/10", "link-local range"),
  block("ff00::/8", "multicast range"),
];

/** Where public IPv6 addresses live; anything outside is reserved by IANA. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** CIDR ranges either nest or are disjoint: they overlap when the shorter prefix matches both. */
function overlaps(entry: [ipaddr.IPv4 | ipaddr.IPv6, number], other: Block["range"]): boolean {
  if (entry[0].kind() !== other[0].kind()) return false;
  return entry[0].match(other[0], Math.min(entry[1], other[1]));
}

/**
 * Why Vultr would refuse this canonical entry (prefix out of bounds, not public), or undefined
 * when it is acceptable; messages quote `written`, the text as the user wrote it. `0.0.0.0/0`
 * and `::/0` are acceptable: "any IPv4/IPv6 address".
 */
export function rangeProblem(
  entry: AllowlistEntry,
  written: string = formatEntry(entry),
): string | undefined {
  const text = formatEntry(entry);
  const quoted = quoteForMessage(written);
  if (entry.subnetSize === 0) return undefined;
  const bounds = PREFIX_BOUNDS[entry.ipType];
  if (entry.subnetSize < bounds.min || entry.subnetSize > bounds.max) {
    const family = entry.ipType === "v4" ? "IPv4" : "IPv6";
    const any = entry.ipType === "v4" ? "0.0.0.0/0" : "::/0";
    return (
      `${quoted} has prefix length /${entry.subnetSize}: Vultr accepts ${family} prefixes ` +
      `/${bounds.min} to /${bounds.max}, or ${any} for any ${family} address`
    );
  }
  const range: [ipaddr.IPv4 | ipaddr.IPv6, number] = [ipaddr.parse(entry.subnet), entry.subnetSize];
  const publicOnly = "Vultr accepts public addresses only";
  for (const candidate of NON_PUBLIC) {
    if (!overlaps(range, candidate.range)) continue;
    if (text === candidate.text)
      return `${quoted} is ${candidate.article} ${candidate.kind}: ${publicOnly}`;
    if (entry.subnetSize > candidate.range[1]) {
      return `${quoted} is in the ${candidate.kind} ${candidate.text}: ${publicOnly}`;
    }
    return `${quoted} contains the ${candidate.kind} ${candidate.text}: ${publicOnly}`;
  }
  if (entry.ipType === "v6" && !range[0].match(GLOBAL_UNICAST_V6)) {
    return `${quoted} is outside IPv6 global unicast space (2000::/3), which IANA reserves: ${publicOnly}`;
  }
  return undefined;
}
