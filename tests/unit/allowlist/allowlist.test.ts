import {
  compareAllowlists,
  DEFAULT_MAX_ALLOWLIST_ENTRIES,
  formatEntry,
  parseEntry,
  readListedEntry,
  redundantEntries,
  sortEntries,
  validateAllowedIps,
  type AllowlistEntry,
} from "../../../provider/allowlist";
import { UNKNOWN } from "../../../provider/user-api-access/types";

const on = { apiEnabled: true, maxEntries: DEFAULT_MAX_ALLOWLIST_ENTRIES } as const;

function canonical(text: string): string {
  const parsed = parseEntry(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return formatEntry(parsed.entry);
}

function entry(text: string): AllowlistEntry {
  const parsed = parseEntry(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.entry;
}

/** The one failure of a one-element list. */
function reasonFor(text: unknown): string {
  const { failures, entries } = validateAllowedIps([text], on);
  expect(entries).toStrictEqual([]);
  expect(failures).toHaveLength(1);
  expect(failures[0]?.property).toBe("allowedIps[0]");
  return failures[0]?.reason ?? "";
}

describe("parseEntry and formatEntry", () => {
  it("reads bare addresses as single-host ranges", () => {
    expect(parseEntry("8.8.8.8")).toStrictEqual({
      ok: true,
      entry: { subnet: "8.8.8.8", subnetSize: 32, ipType: "v4" },
    });
    expect(parseEntry("2606:4700:4700::1111")).toStrictEqual({
      ok: true,
      entry: { subnet: "2606:4700:4700::1111", subnetSize: 128, ipType: "v6" },
    });
  });

  it("writes IPv6 compressed and in lower case, and keeps the prefix", () => {
    expect(canonical("2606:4700:0000:0000:0000:0000:0000:0000/32")).toBe("2606:4700::/32");
    expect(canonical("2A03:2880:F000::/36")).toBe("2a03:2880:f000::/36");
    expect(canonical(" 8.8.8.0/24 ")).toBe("8.8.8.0/24");
    expect(canonical("8.8.8.0/024")).toBe("8.8.8.0/24");
    expect(canonical("0.0.0.0/0")).toBe("0.0.0.0/0");
    expect(canonical("::/0")).toBe("::/0");
    expect(formatEntry({ subnet: "198.51.100.0", subnetSize: 24 })).toBe("198.51.100.0/24");
  });

  it("refuses legacy IPv4 notations, junk and zone indexes", () => {
    for (const text of [
      "8.8.8",
      "0x8.8.8.8",
      "134744072",
      "08.8.8.8",
      "8.8.8.8/33",
      "8.8.8.8/",
      "example.com",
      "",
    ]) {
      const parsed = parseEntry(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain(JSON.stringify(text));
    }
    const zoned = parseEntry("fe80::1%eth0");
    expect(zoned.ok || zoned.reason).toMatch(/zone index/);
  });

  it("refuses host bits and suggests the network", () => {
    const parsed = parseEntry("8.8.8.5/24");
    expect(parsed.ok || parsed.reason).toBe(
      '"8.8.8.5/24" has host bits set: did you mean 8.8.8.0/24?',
    );
    const v6 = parseEntry("2606:4700::1/32");
    expect(v6.ok || v6.reason).toMatch(/did you mean 2606:4700::\/32\?/);
    const any = parseEntry("8.8.8.8/0");
    expect(any.ok || any.reason).toMatch(/did you mean 0\.0\.0\.0\/0\?/);
  });

  it("reads a listed entry in canonical address form without masking host bits", () => {
    expect(readListedEntry("2606:4700:0::", 32)).toStrictEqual({
      subnet: "2606:4700::",
      subnetSize: 32,
      ipType: "v6",
    });
    expect(readListedEntry("8.8.8.5", 24)).toStrictEqual({
      subnet: "8.8.8.5",
      subnetSize: 24,
      ipType: "v4",
    });
    expect(readListedEntry("8.8.8.5", 33)).toBeUndefined();
    expect(readListedEntry("8.8.8.5/24", 24)).toBeUndefined();
    expect(readListedEntry("nope", 24)).toBeUndefined();
    expect(readListedEntry("8.8.8.5", 1.5)).toBeUndefined();
  });
});

describe("validateAllowedIps", () => {
  it("accepts public addresses and ranges, normalized, deduplicated and sorted", () => {
    const result = validateAllowedIps(
      ["2606:4700::/32", "8.8.8.8", "1.1.1.0/24", "::/0", "0.0.0.0/0"],
      on,
    );
    expect(result.failures).toStrictEqual([]);
    expect(result.entries.map(formatEntry)).toStrictEqual([
      "0.0.0.0/0",
      "1.1.1.0/24",
      "8.8.8.8/32",
      "::/0",
      "2606:4700::/32",
    ]);
  });

  it("refuses a value that is not a list", () => {
    const { failures } = validateAllowedIps("8.8.8.8", on);
    expect(failures).toStrictEqual([
      {
        property: "allowedIps",
        reason: expect.stringMatching(/must be a list.*string "8\.8\.8\.8"/) as string,
      },
    ]);
  });

  it("refuses elements that are not strings", () => {
    expect(reasonFor(42)).toMatch(/allowedIps\[0\] must be a string.*number "42"/);
    expect(reasonFor(null)).toMatch(/got null$/);
    expect(reasonFor(["8.8.8.8"])).toMatch(/got a list$/);
  });

  it("skips unknown values, element or whole list", () => {
    expect(validateAllowedIps(UNKNOWN, on)).toStrictEqual({ entries: [], failures: [] });
    const result = validateAllowedIps([UNKNOWN, "8.8.8.8"], on);
    expect(result.failures).toStrictEqual([]);
    expect(result.entries.map(formatEntry)).toStrictEqual(["8.8.8.8/32"]);
  });

  it("refuses text that is not an address or CIDR, quoting it", () => {
    expect(reasonFor("8.8.8.256")).toMatch(/^"8\.8\.8\.256" is not an IP address or CIDR range/);
  });

  it("refuses host bits with the network it probably meant", () => {
    expect(reasonFor("8.8.8.5/24")).toBe(
      '"8.8.8.5/24" has host bits set: did you mean 8.8.8.0/24?',
    );
  });

  it("holds prefixes to IPv4 /8–/32 and IPv6 /20–/128, /0 only as any-address", () => {
    expect(reasonFor("8.0.0.0/7")).toMatch(
      /"8\.0\.0\.0\/7" has prefix length \/7: Vultr accepts IPv4 prefixes \/8 to \/32, or 0\.0\.0\.0\/0/,
    );
    expect(reasonFor("2000::/19")).toMatch(/IPv6 prefixes \/20 to \/128, or ::\/0/);
    expect(validateAllowedIps(["8.0.0.0/8", "2600::/20"], on).failures).toStrictEqual([]);
  });

  it.each([
    ["10.0.0.0/8", '"10.0.0.0/8" is a private range: Vultr accepts public addresses only'],
    [
      "10.1.2.3",
      '"10.1.2.3" is in the private range 10.0.0.0/8: Vultr accepts public addresses only',
    ],
    [
      "172.0.0.0/8",
      '"172.0.0.0/8" contains the private range 172.16.0.0/12: Vultr accepts public addresses only',
    ],
    ["192.168.1.0/24", "is in the private range 192.168.0.0/16"],
    ["127.0.0.1", "is in the loopback range 127.0.0.0/8"],
    ["169.254.169.254", "is in the link-local range 169.254.0.0/16"],
    ["192.0.2.10", "is in the documentation range 192.0.2.0/24"],
    ["198.51.100.0/24", "is a documentation range"],
    ["203.0.113.7", "is in the documentation range 203.0.113.0/24"],
    ["100.64.0.1", "is in the carrier-grade NAT (CGNAT) range 100.64.0.0/10"],
    ["198.18.0.0/16", "is in the benchmarking range 198.18.0.0/15"],
    ["224.0.0.251", "is in the multicast range 224.0.0.0/4"],
    ["255.255.255.255", "is in the reserved range 240.0.0.0/4"],
    ["0.0.0.0/8", 'is an unspecified ("this network") range'],
    ["192.0.0.0/8", "contains the reserved (IETF protocol assignments) range 192.0.0.0/24"],
    ["::1", "is a loopback address"],
    ["fe80::/64", "is in the link-local range fe80::/10"],
    ["fd12:3456::/32", "is in the unique-local range fc00::/7"],
    ["ff02::1", "is in the multicast range ff00::/8"],
    ["2001:db8::/48", "is in the documentation range 2001:db8::/32"],
    ["2001:c00::/22", "contains the documentation range 2001:db8::/32"],
    ["3fff::/20", "is a documentation range"],
    ["2001:2::/48", "is a benchmarking range"],
    ["::ffff:8.8.8.8", "is in the IPv4-mapped range ::ffff:0:0/96"],
    ["64:ff9b::808:808", "is in the NAT64 translation range 64:ff9b::/96"],
    ["4000::/20", "is outside IPv6 global unicast space (2000::/3)"],
  ])("refuses %s as not public", (text, reason) => {
    expect(reasonFor(text)).toContain(reason);
  });

  it("accepts ranges next to non-public blocks", () => {
    const result = validateAllowedIps(
      ["172.32.0.0/11", "11.0.0.0/8", "100.128.0.0/9", "192.0.3.0/24", "2001:db9::/32"],
      on,
    );
    expect(result.failures).toStrictEqual([]);
  });

  it("refuses duplicates after normalization, naming both indices", () => {
    const { failures, entries } = validateAllowedIps(
      ["8.8.8.8", "2606:4700::/32", "8.8.8.8/32", "2606:4700:0:0::/32"],
      on,
    );
    expect(failures).toStrictEqual([
      {
        property: "allowedIps[2]",
        reason:
          '"8.8.8.8/32" repeats allowedIps[0] ("8.8.8.8"): both are 8.8.8.8/32; list each range once',
      },
      {
        property: "allowedIps[3]",
        reason: expect.stringContaining("repeats allowedIps[1]") as string,
      },
    ]);
    expect(entries.map(formatEntry)).toStrictEqual(["8.8.8.8/32", "2606:4700::/32"]);
  });

  it("refuses more entries than the limit", () => {
    const list = Array.from({ length: 4 }, (_, i) => `8.8.8.${i}`);
    expect(validateAllowedIps(list, { apiEnabled: true, maxEntries: 4 }).failures).toStrictEqual(
      [],
    );
    expect(validateAllowedIps(list, { apiEnabled: true, maxEntries: 3 }).failures).toStrictEqual([
      {
        property: "allowedIps",
        reason: expect.stringMatching(/lists 4 entries; Vultr holds at most 3 per user/) as string,
      },
    ]);
  });

  it("refuses an empty list only when API access is declared on", () => {
    expect(validateAllowedIps([], on).failures).toStrictEqual([
      {
        property: "allowedIps",
        reason:
          "an empty allowlist with apiEnabled: true means the user's keys work from nowhere; set apiEnabled: false instead",
      },
    ]);
    for (const apiEnabled of [false, "unknown"] as const) {
      expect(validateAllowedIps([], { apiEnabled, maxEntries: 50 })).toStrictEqual({
        entries: [],
        failures: [],
      });
    }
  });

  it("reports every bad element, not just the first", () => {
    const { failures } = validateAllowedIps(["10.0.0.1", "8.8.8.8", 7, "8.8.8.5/24"], on);
    expect(failures.map((f) => f.property)).toStrictEqual([
      "allowedIps[0]",
      "allowedIps[2]",
      "allowedIps[3]",
    ]);
  });
});

describe("sortEntries", () => {
  it("puts IPv4 first, then orders by address as numbers, then by prefix", () => {
    const sorted = sortEntries(
      [
        "2001:4860::/32",
        "9.9.9.9",
        "::/0",
        "80.0.0.0/8",
        "8.8.8.0/24",
        "8.8.8.0/25",
        "0.0.0.0/0",
        "2001:4860::/48",
      ].map(entry),
    );
    expect(sorted.map(formatEntry)).toStrictEqual([
      "0.0.0.0/0",
      "8.8.8.0/24",
      "8.8.8.0/25",
      "9.9.9.9/32",
      "80.0.0.0/8",
      "::/0",
      "2001:4860::/32",
      "2001:4860::/48",
    ]);
  });

  it("does not change its argument", () => {
    const input = ["9.9.9.9", "8.8.8.8"].map(entry);
    sortEntries(input);
    expect(input.map(formatEntry)).toStrictEqual(["9.9.9.9/32", "8.8.8.8/32"]);
  });
});

describe("compareAllowlists", () => {
  it("adds what is declared only and removes what is live only, as sets", () => {
    const declared = ["8.8.8.8", "2606:4700::/32", "1.1.1.0/24"].map(entry);
    const live = [
      { subnet: "0.0.0.0", subnetSize: 0, ipType: "v4" },
      { subnet: "::", subnetSize: 0, ipType: "v6" },
      { subnet: "1.1.1.0", subnetSize: 24, ipType: "v4" },
    ] satisfies AllowlistEntry[];
    const { add, remove } = compareAllowlists(declared, live);
    expect(add.map(formatEntry)).toStrictEqual(["8.8.8.8/32", "2606:4700::/32"]);
    expect(remove.map(formatEntry)).toStrictEqual(["0.0.0.0/0", "::/0"]);
  });

  it("finds nothing to do when the sets match in another order", () => {
    const declared = ["8.8.8.8", "1.1.1.0/24"].map(entry);
    const live = ["1.1.1.0/24", "8.8.8.8/32", "8.8.8.8"].map(entry);
    expect(compareAllowlists(declared, live)).toStrictEqual({ add: [], remove: [] });
  });

  it("treats a live entry with host bits as different from the network", () => {
    const live = [readListedEntry("8.8.8.5", 24)].filter((e) => e !== undefined);
    const { add, remove } = compareAllowlists([entry("8.8.8.0/24")], live);
    expect(add.map(formatEntry)).toStrictEqual(["8.8.8.0/24"]);
    expect(remove.map(formatEntry)).toStrictEqual(["8.8.8.5/24"]);
  });
});

describe("what the messages suggest, and redundant entries", () => {
  it("every example a syntax error gives is accepted by the same validator", () => {
    const notAList = validateAllowedIps("8.8.8.8", on).failures[0]?.reason ?? "";
    const notAnEntry = reasonFor("nonsense");
    const listed = JSON.parse(/\(e\.g\. (\[.*\])\)/.exec(notAList)?.[1] ?? "[]") as string[];
    const named = /\(expected e\.g\. (.*) or (.*)\)$/.exec(notAnEntry)?.slice(1) ?? [];
    const examples = [...listed, ...named.flatMap((part) => part.split(", "))];

    expect(examples).toStrictEqual([
      "8.8.8.8",
      "2606:4700::/32",
      "8.8.8.8",
      "45.76.0.0/16",
      "2606:4700::/32",
    ]);
    expect(validateAllowedIps([...new Set(examples)], on).failures).toStrictEqual([]);
  });

  it("names an entry a wider one already admits, by index, and nothing else", () => {
    expect(
      redundantEntries([
        "0.0.0.0/0",
        "8.8.8.0/24",
        "2606:4700::/32",
        "45.76.0.0/16",
        "45.76.1.0/24",
      ]),
    ).toStrictEqual([
      "allowedIps[1] 8.8.8.0/24 is already admitted by 0.0.0.0/0 (allowedIps[0]): it adds nothing — remove it, or remove 0.0.0.0/0 if the keys should work from the narrower ranges only",
      "allowedIps[3] 45.76.0.0/16 is already admitted by 0.0.0.0/0 (allowedIps[0]): it adds nothing — remove it, or remove 0.0.0.0/0 if the keys should work from the narrower ranges only",
      "allowedIps[4] 45.76.1.0/24 is already admitted by 0.0.0.0/0 (allowedIps[0]): it adds nothing — remove it, or remove 0.0.0.0/0 if the keys should work from the narrower ranges only",
    ]);
    expect(redundantEntries(["8.8.8.0/24", "8.8.8.8", "::/0", "nonsense", 7])).toStrictEqual([
      "allowedIps[1] 8.8.8.8/32 is already admitted by 8.8.8.0/24 (allowedIps[0]): it adds nothing — remove it, or remove 8.8.8.0/24 if the keys should work from the narrower ranges only",
    ]);
    expect(redundantEntries(["8.8.8.0/24", "2606:4700::/32"])).toStrictEqual([]);
    expect(redundantEntries("8.8.8.8")).toStrictEqual([]);
  });
});
