import ipaddr from "ipaddr.js";

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * A literal address in plain notation: IPv4 as four decimal parts without leading zeros
 * (`010.0.0.1` means octal to some parsers), IPv6 without a zone (`fe80::1%eth0` is
 * meaningful on one host only). IPv4-mapped IPv6 stays IPv6.
 */
export function parseAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes("%") && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** The form the emulator stores and shows: dotted IPv4, RFC 5952 IPv6 (lower case, compressed). */
export function canonicalAddress(address: IpAddress): string {
  return address.kind() === "ipv4"
    ? address.toString()
    : (address as ipaddr.IPv6).toRFC5952String();
}

/**
 * Where a request comes from, as a client of an allowlist sees it: `::ffff:8.8.8.8` (how a
 * dual-stack socket reports an IPv4 peer) is the IPv4 address.
 */
export function peerAddress(text: string): IpAddress | undefined {
  const address = parseAddress(text);
  if (address?.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/**
 * The control plane has no authentication, so it answers only peers on this machine's loopback
 * (127.0.0.0/8, ::1, and their IPv4-mapped forms), whatever address the emulator listens on.
 */
export function isLoopbackAddress(text: string | undefined): boolean {
  const address = peerAddress(text ?? "");
  return address !== undefined && address.range() === "loopback";
}

/** True when `address` lies inside `network/prefix` (of the same family). */
export function addressInRange(address: IpAddress, network: IpAddress, prefix: number): boolean {
  if (address.kind() !== network.kind()) return false;
  return address.kind() === "ipv4"
    ? (address as ipaddr.IPv4).match(network, prefix)
    : (address as ipaddr.IPv6).match(network, prefix);
}

/** The network address of `address/prefix` (host bits cleared). */
export function networkOf(address: IpAddress, prefix: number): IpAddress {
  const bytes = address.toByteArray();
  const cleared = bytes.map((byte, index) => {
    const keep = Math.min(8, Math.max(0, prefix - index * 8));
    return keep === 0 ? 0 : byte & (0xff << (8 - keep)) & 0xff;
  });
  return ipaddr.fromByteArray(cleared);
}
