import { HELP } from "../../report/arguments";
import { buildReport } from "../../report/build";
import { keyItems } from "../../report/keys";
import { declarationsOf } from "../../report/state";
import type { AccountSnapshot } from "../../report/types";

const NOW = new Date("2026-12-03T12:00:00Z");

describe("--keys items", () => {
  it("lists each key by id, name, hint and expiry, never the masked key itself", () => {
    const items = keyItems([
      { id: "k1", maskedKey: `${"*".repeat(31)}3F9A2`, name: "ci", expire: true, dateExpire: "2027-02-28T00:00:00Z" },
      { id: "k2", maskedKey: `${"*".repeat(31)}00000`, name: "", expire: false, dateExpire: null },
      // An expiry date on a key that does not expire means nothing.
      { id: "k3", maskedKey: "**ABCDE", name: "odd", expire: false, dateExpire: "2027-01-01T00:00:00Z" },
    ]); // prettier-ignore
    expect(items).toStrictEqual([
      { id: "k1", name: "ci", hint: "…3F9A2", dateExpire: "2027-02-28T00:00:00Z" },
      { id: "k2", name: "", hint: "…00000", dateExpire: null },
      { id: "k3", name: "odd", hint: "…ABCDE", dateExpire: null },
    ]);
  });

  it("puts them under keys.items of each user whose keys were read", () => {
    const account: AccountSnapshot = {
      endpoint: "https://api.vultr.com/v2",
      users: [{ id: "u1", email: "ci@example.com", name: "CI", apiEnabled: true, acls: [] }],
      allowlists: undefined,
      apiKeys: new Map([
        [
          "u1",
          [{ id: "k1", maskedKey: "*****12345", name: "ci", expire: false, dateExpire: null }],
        ],
      ]),
    };
    const [user] = buildReport(account, undefined, NOW).users;
    expect(user?.keys).toStrictEqual({
      count: 1,
      expired: 0,
      nextExpiry: null,
      items: [{ id: "k1", name: "ci", hint: "…12345", dateExpire: null }],
    });
    expect(JSON.stringify(user)).not.toContain("*****12345");
  });
});

describe("--help", () => {
  it("says what --keys lists in JSON", () => {
    expect(HELP).toMatch(
      /in JSON also every\s+key in keys\.items\[\] \(id, name, hint "…3f9a2", dateExpire\)/,
    );
  });
});

describe("--keys with --state", () => {
  it("marks the keys a UserApiKey made with its stack and resource, and no other key", () => {
    const stacks = declarationsOf(
      {
        deployment: {
          resources: [
            {
              urn: "urn:pulumi:prod::team::pulumi-nodejs:dynamic/vultr:UserApiKey::ci-key",
              type: "pulumi-nodejs:dynamic/vultr:UserApiKey",
              id: "u1/ci",
              inputs: {},
              outputs: { userId: "u1", keyId: "k2", previousKeyId: "k1", retiringKeyIds: [] },
            },
          ],
        },
      },
      "prod.json",
    );
    const listed = (id: string) => ({
      id,
      maskedKey: `*****${id}0000`,
      name: "ci",
      expire: false,
      dateExpire: null,
    });
    const items = keyItems([listed("k1"), listed("k2"), listed("k3")], stacks.keys);
    const madeBy = { stack: "team/prod", resource: "ci-key" };
    expect(items.map((item) => item.madeBy)).toStrictEqual([madeBy, madeBy, undefined]);
    expect(Object.keys(items[2] ?? {})).not.toContain("madeBy");
  });
});
