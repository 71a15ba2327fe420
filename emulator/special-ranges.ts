import { addressInRange, parseAddress, type IpAddress } from "./address-policy";

/**
 * Blocks that are not public unicast address space (IANA's special-purpose registries, RFC 6890
 * and successors). Vultr's console refuses such ranges in an API allowlist; its exact list is
 * not published, so this one is the registries' non-global blocks, documentation ranges
 * included (a decided assumption: tests and examples use real public ranges).
 */
const NON_PUBLIC_BLOCKS: readonly { cidr: string; kind: string }[] = [
  { cidr: "0.0.0.0/8", kind: 'a "this network" range (RFC 791)' },
  { cidr: "10.0.0.0/8", kind: "a private range (RFC 1918)" },
  { cidr: "100.64.0.0/10", kind: "a carrier-grade NAT range (RFC 6598)" },
  { cidr: "127.0.0.0/8", kind: "a loopback range" },
  { cidr: "169.254.0.0/16", kind: "a link-local range" },
  { cidr: "172.16.0.0/12", kind: "a private range (RFC 1918)" },
  { cidr: "192.0.0.0/24", kind: "an IETF protocol assignments range (RFC 6890)" },
  { cidr: "192.0.2.0/24", kind: "a documentation range (TEST-NET-1)" },
  { cidr: "192.88.99.0/24", kind: "a reserved range (6to4 relay anycast)" },
  { cidr: "192.168.0.0/16", kind: "a private range (RFC 1918)" },
  { cidr: "198.18.0.0/15", kind: "a benchmarking range (RFC 2544)" },
  { cidr: "198.51.100.0/24", kind: "a documentation range (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", kind: "a documentation range (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", kind: "a multicast range" },
  { cidr: "240.0.0.0/4", kind: "a reserved range (240.0.0.0/4, broadcast included)" },
  { cidr: "::ffff:0:0/96", kind: "an IPv4-mapped range" },
  { cidr: "64:ff9b:1::/48", kind: "a local-use translation range (RFC 8215)" },
  { cidr: "100::/64", kind: "a discard-only range (RFC 6666)" },
  { cidr: "2001::/23", kind: "an IETF protocol assignments range (RFC 2928)" },
  { cidr: "2001:db8::/32", kind: "a documentation range (RFC 3849)" },
  { cidr: "2002::/16", kind: "a 6to4 range (RFC 3056)" },
  { cidr: "3fff::/20", kind: "a documentation range (RFC 9637)" },
  { cidr: "fc00::/7", kind: "a unique-local range" },
  { cidr: "fe80::/10", kind: "a link-local range" },
  { cidr: "ff00::/8", kind: "a multicast range" },
];

interface Block {
  network: IpAddress;
  prefix: number;
  cidr: string;
  kind: string;
}

const BLOCKS: readonly Block[] = NON_PUBLIC_BLOCKS.map(({ cidr, kind }) => {
  const [text = "", prefix = ""] = cidr.split("/");
  const network = parseAddress(text);
  if (network === undefined) throw new Error(`Bad block ${cidr}`);
  return { network, prefix: Number(prefix), cidr, kind };
});

/** IPv6 unicast space handed out today; anything outside it is reserved by IANA. */
const GLOBAL_UNICAST_V6 = { network: parseAddress("2000::") as IpAddress, prefix: 3 };

/**
 * Why `network/prefix` is not public, or undefined when it is. A range is public only if it
 * overlaps no non-public block: `172.0.0.0/8` holds `172.16.0.0/12`, so it is refused too.
 */
export function nonPublicReason(network: IpAddress, prefix: number): string | undefined {
  for (const block of BLOCKS) {
    if (network.kind() !== block.network.kind()) continue;
    // Two prefixes overlap exactly when the shorter one contains the other's network address.
    const overlaps =
      prefix >= block.prefix
        ? addressInRange(network, block.network, block.prefix)
        : addressInRange(block.network, network, prefix);
    if (!overlaps) continue;
    return prefix >= block.prefix
      ? `it is within ${block.kind}, ${block.cidr}`
      : `it overlaps ${block.kind}, ${block.cidr}`;
  }
  if (
    network.kind() === "ipv6" &&
    !addressInRange(network, GLOBAL_UNICAST_V6.network, GLOBAL_UNICAST_V6.prefix)
  ) {
    return "it is reserved IPv6 space, outside the global unicast range 2000::/3";
  }
  return undefined;
}
