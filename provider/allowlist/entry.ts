/**
 * One allowlist entry: parsing into canonical form, formatting, sorting and comparing. Pure;
 * addresses are parsed by ipaddr.js, never by hand.
 */
import ipaddr from "ipaddr.js";
import { quoteForMessage } from "../values/user-id";

export type IpFamily = "v4" | "v6";

/** One allowlist entry as Vultr's API carries it. */
export interface AllowlistEntry {
  subnet: string;
  subnetSize: number;
  ipType: IpFamily;
}

export type ParsedEntry = { ok: true; entry: AllowlistEntry } | { ok: false; reason: string };

/** "45.76.0.0/16", "8.8.8.8/32", "2606:4700::/32", "0.0.0.0/0", "::/0". */
export function formatEntry(entry: { subnet: string; subnetSize: number }): string {
  return `${entry.subnet}/${entry.subnetSize}`;
}

/** IPv6 in RFC 5952 form (compressed, lower case): the same range always reads the same. */
export function addressText(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === "ipv6"
    ? (address as ipaddr.IPv6).toRFC5952String()
    : address.toString();
}

export function familyOf(address: ipaddr.IPv4 | ipaddr.IPv6): IpFamily {
  return address.kind() === "ipv4" ? "v4" : "v6";
}

function bitsOf(family: IpFamily): number {
  return family === "v4" ? 32 : 128;
}

/** The range's first address: the address with every bit past the prefix cleared. */
function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = address.toByteArray();
  const masked = bytes.map((byte, i) => {
    const bitsKept = Math.min(8, Math.max(0, prefix - i * 8));
    return byte & (0xff << (8 - bitsKept)) & 0xff;
  });
  return ipaddr.fromByteArray(masked);
}

/**
 * Reads an address (IPv4 in dotted four-part decimal only: `8.8.8`, `0x8.8.8.8` and other legacy
 * notations ipaddr.js tolerates are typos here) or a CIDR.
 */
function readAddress(
  text: string,
): { ok: true; address: ipaddr.IPv4 | ipaddr.IPv6; prefix: number | undefined } | { ok: false } {
  const slash = text.lastIndexOf("/");
  const addressPart = slash === -1 ? text : text.slice(0, slash);
  if (ipaddr.IPv4.isValidFourPartDecimal(addressPart)) {
    if (slash === -1) return { ok: true, address: ipaddr.IPv4.parse(text), prefix: undefined };
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return { ok: false };
    const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
    return { ok: true, address, prefix };
  }
  if (ipaddr.IPv6.isValid(addressPart)) {
    if (slash === -1) return { ok: true, address: ipaddr.IPv6.parse(text), prefix: undefined };
    if (!ipaddr.IPv6.isValidCIDR(text)) return { ok: false };
    const [address, prefix] = ipaddr.IPv6.parseCIDR(text);
    return { ok: true, address, prefix };
  }
  return { ok: false };
}

/**
 * Parses an address or CIDR ("8.8.8.8", "8.8.8.0/24", "2606:4700::/32", "::/0") into canonical
 * form, or says why not. A bare address is a single-host range (/32 or /128). Says nothing about
 * whether Vultr would accept the range (see `rangeProblem`).
 */
export function parseEntry(text: string): ParsedEntry {
  const trimmed = text.trim();
  const read = readAddress(trimmed);
  if (!read.ok) {
    return {
      ok: false,
      reason:
        `${quoteForMessage(text)} is not an IP address or CIDR range ` +
        `(expected e.g. 8.8.8.8, 45.76.0.0/16 or 2606:4700::/32)`,
    };
  }
  const { address } = read;
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).zoneId !== undefined) {
    return {
      ok: false,
      reason: `${quoteForMessage(text)} carries a zone index (%…), which only means something on one machine`,
    };
  }
  const family = familyOf(address);
  const prefix = read.prefix ?? bitsOf(family);
  const network = networkOf(address, prefix);
  if (addressText(network) !== addressText(address)) {
    const suggestion = formatEntry({ subnet: addressText(network), subnetSize: prefix });
    return {
      ok: false,
      reason: `${quoteForMessage(text)} has host bits set: did you mean ${suggestion}?`,
    };
  }
  return { ok: true, entry: { subnet: addressText(network), subnetSize: prefix, ipType: family } };
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** IPv4 before IPv6, then by address, then by prefix length. Entries must be canonical. */
export function sortEntries(entries: readonly AllowlistEntry[]): AllowlistEntry[] {
  const keyed = entries.map((entry) => ({
    entry,
    bytes: ipaddr.parse(entry.subnet).toByteArray(),
  }));
  keyed.sort(
    (a, b) =>
      a.bytes.length - b.bytes.length ||
      compareBytes(a.bytes, b.bytes) ||
      a.entry.subnetSize - b.entry.subnetSize,
  );
  return keyed.map((k) => k.entry);
}

/**
 * What to add and what to remove so that `live` becomes `declared`, compared as sets of
 * canonical texts. Both come out sorted.
 */
export function compareAllowlists(
  declared: readonly AllowlistEntry[],
  live: readonly AllowlistEntry[],
): { add: AllowlistEntry[]; remove: AllowlistEntry[] } {
  const declaredTexts = new Set(declared.map(formatEntry));
  const liveTexts = new Set(live.map(formatEntry));
  return {
    add: sortEntries(dedupe(declared).filter((e) => !liveTexts.has(formatEntry(e)))),
    remove: sortEntries(dedupe(live).filter((e) => !declaredTexts.has(formatEntry(e)))),
  };
}

function dedupe(entries: readonly AllowlistEntry[]): AllowlistEntry[] {
  const seen = new Map<string, AllowlistEntry>();
  for (const entry of entries) {
    if (!seen.has(formatEntry(entry))) seen.set(formatEntry(entry), entry);
  }
  return [...seen.values()];
}

/**
 * An entry as Vultr lists it, in canonical address form, or undefined when it is not an entry
 * at all. Host bits are kept: an entry Vultr stored that way must be removed as it is.
 */
export function readListedEntry(subnet: string, subnetSize: number): AllowlistEntry | undefined {
  const read = readAddress(subnet);
  if (!read.ok || read.prefix !== undefined) return undefined;
  const family = familyOf(read.address);
  if (!Number.isInteger(subnetSize) || subnetSize < 0 || subnetSize > bitsOf(family)) {
    return undefined;
  }
  return { subnet: addressText(read.address), subnetSize, ipType: family };
}
