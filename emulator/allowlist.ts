import {
  addressInRange,
  canonicalAddress,
  networkOf,
  parseAddress,
  type IpAddress,
} from "./address-policy";
import type { Parsed } from "./parsed";
import { nonPublicReason } from "./special-ranges";
import type { AllowlistEntry, ApiBehaviour } from "./types";

// A user's API IP allowlist: where its keys may be used from. The 2026 spec gives the shapes and
// the prefix limits; everything else here (defaults, what is refused) is inferred and knobbed.

/** A subnet as sent, parsed: the address and prefix, and how the emulator writes them. */
export interface Subnet {
  network: IpAddress;
  prefix: number;
  /** The canonical text of `network`. */
  subnet: string;
  ip_type: "v4" | "v6";
}

const MAX_PREFIX = { v4: 32, v6: 128 } as const;
/** "IPv4 prefixes /8–/32, IPv6 /20–/128; 0 means allow all of that family." */
const MIN_PREFIX = { v4: 8, v6: 20 } as const;
const ANY = { v4: "0.0.0.0", v6: "::" } as const;

/** Every user starts with "Any IPv4" and "Any IPv6": API keys work from anywhere. */
export function defaultAllowlist(dateAdded: string): AllowlistEntry[] {
  return [
    { subnet: ANY.v4, subnet_size: 0, date_added: dateAdded, ip_type: "v4" },
    { subnet: ANY.v6, subnet_size: 0, date_added: dateAdded, ip_type: "v6" },
  ];
}

/**
 * Only the syntax: an address and a prefix length that fits its family. Enough to look an entry
 * up or remove it (what is stored may be anything drift put there).
 */
export function parseSubnet(subnetValue: unknown, sizeValue: unknown): Parsed<Subnet> {
  if (subnetValue === undefined) return invalid("subnet is required.");
  if (typeof subnetValue !== "string") {
    return invalid("subnet must be a string holding an IPv4 or IPv6 address.");
  }
  const network = parseAddress(subnetValue.trim());
  if (network === undefined) {
    return invalid(`subnet ${JSON.stringify(subnetValue)} is not a valid IPv4 or IPv6 address.`);
  }
  if (sizeValue === undefined) return invalid("subnet_size is required.");
  if (typeof sizeValue !== "number" || !Number.isInteger(sizeValue)) {
    return invalid(`subnet_size must be an integer, not ${JSON.stringify(sizeValue)}.`);
  }
  const ip_type = network.kind() === "ipv4" ? "v4" : "v6";
  if (sizeValue < 0 || sizeValue > MAX_PREFIX[ip_type]) {
    return invalid(
      `subnet_size ${sizeValue} is out of range for ${family(ip_type)} (0 to ${MAX_PREFIX[ip_type]}).`,
    );
  }
  return {
    ok: true,
    value: { network, prefix: sizeValue, subnet: canonicalAddress(network), ip_type },
  };
}

/** `subnet_size` from a query string: digits only. */
export function sizeFromQuery(raw: string | null): unknown {
  if (raw === null || raw === "") return undefined;
  return /^\d{1,3}$/.test(raw) ? Number(raw) : raw;
}

/** What POST accepts: the prefix limits, no host bits (knob), public ranges only (knob). */
export function checkNewSubnet(
  subnet: Subnet,
  behaviour: Pick<ApiBehaviour, "allowlistHostBits" | "allowlistPublicOnly">,
): Parsed<Subnet> {
  const { prefix, ip_type } = subnet;
  const cidr = `${subnet.subnet}/${prefix}`;
  if (prefix === 0) {
    if (subnet.subnet !== ANY[ip_type]) {
      return invalid(
        `subnet_size 0 means "any ${family(ip_type)}" and needs subnet ${ANY[ip_type]}, not ${subnet.subnet}.`,
      );
    }
    return { ok: true, value: subnet };
  }
  if (prefix < MIN_PREFIX[ip_type]) {
    return invalid(
      `subnet_size ${prefix} is too wide for ${family(ip_type)}: use ${MIN_PREFIX[ip_type]} to ` +
        `${MAX_PREFIX[ip_type]}, or 0 with ${ANY[ip_type]} for any address.`,
    );
  }
  let checked = subnet;
  const network = networkOf(subnet.network, prefix);
  const networkText = canonicalAddress(network);
  if (networkText !== subnet.subnet) {
    if (behaviour.allowlistHostBits === "reject") {
      return invalid(
        `${cidr} has host bits set; the network address of that range is ${networkText}/${prefix}.`,
      );
    }
    checked = { ...subnet, network, subnet: networkText };
  }
  if (behaviour.allowlistPublicOnly) {
    const reason = nonPublicReason(checked.network, prefix);
    if (reason !== undefined) {
      return invalid(
        `${checked.subnet}/${prefix} is not a public range: ${reason}. Only public addresses can be allowed.`,
      );
    }
  }
  return { ok: true, value: checked };
}

export function sameSubnet(entry: AllowlistEntry, subnet: Subnet): boolean {
  return entry.subnet_size === subnet.prefix && entry.subnet === subnet.subnet;
}

/**
 * Whether a key of a user with these entries may be used from `address`. An empty list admits
 * nothing; a `/0` entry admits its whole family.
 */
export function allowlistAdmits(entries: readonly AllowlistEntry[], address: IpAddress): boolean {
  return entries.some((entry) => {
    const network = parseAddress(entry.subnet);
    return network !== undefined && addressInRange(address, network, entry.subnet_size);
  });
}

function family(ipType: "v4" | "v6"): string {
  return ipType === "v4" ? "IPv4" : "IPv6";
}

function invalid(reason: string): Parsed<never> {
  return { ok: false, reason };
}
