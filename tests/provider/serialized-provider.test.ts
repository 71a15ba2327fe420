import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../sdk/provider-shim";
import { providerText } from "../support/lab";

/** Stored in state once per resource: DESIGN.md allows 8 KiB and aims for 3 KiB. */
const AIM_BYTES = 3 * 1024;
const LIMIT_BYTES = 8 * 1024;
const KEY = "SERIALIZEDKEY0123456789ABCDEFGHIJKLM";

describe("the serialized provider (__provider) of UserApiAccess", () => {
  let text: string;

  beforeAll(async () => {
    // A key where a careless provider would pick it up at program level.
    process.env.VULTR_API_KEY = KEY;
    try {
      text = await providerText();
    } finally {
      delete process.env.VULTR_API_KEY;
    }
  });

  it(`stays within ${AIM_BYTES} bytes`, () => {
    const bytes = Buffer.byteLength(text, "utf8");
    expect(bytes).toBeLessThanOrEqual(LIMIT_BYTES);
    expect(bytes).toBeLessThanOrEqual(AIM_BYTES);
  });

  it("is a thin shim that loads every handler from the installed package", () => {
    const loads = text.match(/require\("pulumi-vultr-user-access\/provider"\)\.handlers\.\w+/g);
    expect(loads?.map((load) => load.split(".").pop()).sort()).toStrictEqual(
      ["check", "configure", "create", "delete", "diff", "read", "update"].sort(),
    );
    // Nothing of the implementation is captured by value.
    expect(text).not.toMatch(/node-fetch|VultrUsersClient|UserDirectory|Pacer/);
  });

  it("captures nothing secret: no key, no apiKey value, not marked secret", async () => {
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/apiKey/i);
    const serialized = await pulumi.runtime.serializeFunction(() => providerShim, {
      allowSecrets: true,
    });
    expect(serialized.containsSecrets).toBe(false);
  });
});
