import { validateInputs } from "../../../provider/user-api-access/validate";
import { UNKNOWN } from "../../../provider/user-api-access/types";

const ID = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";

function failuresOf(news: Record<string, unknown>) {
  return validateInputs(news).failures;
}

describe("validateInputs", () => {
  it("accepts a user id with a declared access and applies the restore default", () => {
    const { inputs, failures } = validateInputs({ userId: ID.toUpperCase(), apiEnabled: false });
    expect(failures).toStrictEqual([]);
    expect(inputs).toStrictEqual({ userId: ID, apiEnabled: false, onDelete: "restore" });
  });

  it("accepts a legacy 13-hex id and a normalized email", () => {
    const { inputs, failures } = validateInputs({
      userId: "564a1a88947b4",
      email: " Alice@Example.com ",
      apiEnabled: true,
      onDelete: "disable",
    });
    expect(failures).toStrictEqual([]);
    expect(inputs).toMatchObject({ userId: "564a1a88947b4", email: "alice@example.com" });
  });

  it.each([
    [{ userId: ID }, "apiEnabled", /required/],
    [{ userId: ID, apiEnabled: "false" }, "apiEnabled", /must be a boolean.*string "false"/],
    [{ userId: ID, apiEnabled: 1 }, "apiEnabled", /must be a boolean/],
    [{ apiEnabled: true }, "userId", /set userId .* or email/],
    [
      { userId: "../account", apiEnabled: true },
      "userId",
      /"\.\.\/account" is not a Vultr user id/,
    ],
    [{ userId: `${ID}/../x`, apiEnabled: true }, "userId", /is not a Vultr user id/],
    [{ userId: 42, apiEnabled: true }, "userId", /must be a string/],
    [{ userId: "x".repeat(5000), apiEnabled: true }, "userId", /5000 characters/],
    [{ email: "not-an-email", apiEnabled: true }, "email", /is not an email address/],
    [{ email: `${"a".repeat(300)}@example.com`, apiEnabled: true }, "email", /at most 254/],
    [
      { userId: ID, apiEnabled: true, onDelete: "delete" },
      "onDelete",
      /one of "restore", "disable" or "retain"/,
    ],
    [{ userId: ID, apienabled: true, apiEnabled: true }, "apienabled", /unknown property/],
  ])("rejects %j on %s", (news, property, reason) => {
    const failures = failuresOf(news);
    expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.find((f) => f.property === property)?.reason).toMatch(reason);
  });

  it("lets the unknown-value sentinel through untouched during preview", () => {
    const { inputs, failures } = validateInputs({
      userId: UNKNOWN,
      apiEnabled: UNKNOWN,
      onDelete: UNKNOWN,
    });
    expect(failures).toStrictEqual([]);
    expect(inputs).toStrictEqual({ userId: UNKNOWN, apiEnabled: UNKNOWN, onDelete: UNKNOWN });
  });

  it("keeps the SDK's fleet size as a hint only when it is a positive integer", () => {
    expect(validateInputs({ userId: ID, apiEnabled: true, __fleetSize: 12 }).inputs.fleetSize).toBe(
      12,
    );
    expect(
      validateInputs({ userId: ID, apiEnabled: true, __fleetSize: UNKNOWN }).inputs.fleetSize,
    ).toBeUndefined();
  });
});
