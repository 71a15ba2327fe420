/** The policy's pure core: validation, who violates, what an update does, whether diff plans. */
import type { VultrUser } from "../../../provider/client/types";
import { declaredOffOf } from "../../../provider/api-access-policy/declared-off";
import {
  capFailure,
  changesPlanned,
  planNotes,
  planPolicy,
  policyUser,
} from "../../../provider/api-access-policy/plan";
import type { PolicyOutputs } from "../../../provider/api-access-policy/types";
import { validatePolicyInputs } from "../../../provider/api-access-policy/validate";
import { UNKNOWN } from "../../../provider/user-api-access/types";

const ID = (n: number) => `cb676a46-66fd-4dfb-b839-${String(n).padStart(12, "0")}`;

function user(n: number, apiEnabled: boolean, acls: string[] = []): VultrUser {
  return { id: ID(n), email: `user${n}@example.com`, name: `User ${n}`, apiEnabled, acls };
}

const allowing = (...ns: number[]) => ({
  allowed: new Set(ns.map(ID)),
  exempt: new Set<string>(),
  pending: false,
});

describe("validatePolicyInputs", () => {
  it("applies the defaults and normalizes entries", () => {
    const { inputs, failures } = validatePolicyInputs({
      allowed: [ID(1).toUpperCase(), " Deploy@Example.com "],
    });
    expect(failures).toStrictEqual([]);
    expect(inputs).toStrictEqual({
      allowed: [
        { kind: "id", value: ID(1) },
        { kind: "email", value: "deploy@example.com" },
      ],
      exempt: [],
      maxDisabled: 5,
      enforce: true,
      includeAdmins: false,
    });
  });

  it("requires allowed, and names the position of a bad entry", () => {
    expect(validatePolicyInputs({}).failures.map((f) => f.property)).toStrictEqual(["allowed"]);
    const { failures } = validatePolicyInputs({ allowed: [], exempt: ["ok@example.com", "a@b"] });
    expect(failures).toStrictEqual([
      {
        property: "exempt",
        reason: 'exempt[1]: "a@b" is not an email address (expected name@domain.tld)',
      },
    ]);
  });

  it("keeps values not known yet", () => {
    const { inputs, failures } = validatePolicyInputs({
      allowed: [UNKNOWN],
      exempt: UNKNOWN,
      includeAdmins: UNKNOWN,
    });
    expect(failures).toStrictEqual([]);
    expect(inputs.allowed).toStrictEqual([{ kind: "unknown" }]);
    expect(inputs.exempt).toBe(UNKNOWN);
    expect(inputs.includeAdmins).toBe(UNKNOWN);
  });

  it("refuses maxDisabled below 1, pointing at enforce: false", () => {
    const [failure] = validatePolicyInputs({ allowed: [], maxDisabled: 0 }).failures;
    expect(failure?.property).toBe("maxDisabled");
    expect(failure?.reason).toContain("set enforce: false");
  });
});

describe("planPolicy", () => {
  const users = [user(1, true), user(2, true), user(3, false), user(4, true, ["manage_users"])];

  it("disables API-enabled users outside allowed and exempt, and leaves admins alone", () => {
    const plan = planPolicy(users, allowing(1), { enforce: true, includeAdmins: false }, new Set());
    expect(plan.violators.map((u) => u.id)).toStrictEqual([ID(2), ID(4)]);
    expect(plan.toDisable.map((u) => u.id)).toStrictEqual([ID(2)]);
    expect(plan.skippedAdmins.map((u) => u.id)).toStrictEqual([ID(4)]);
  });

  it("includes admins when asked, and disables nobody without enforce", () => {
    const withAdmins = planPolicy(
      users,
      allowing(1),
      { enforce: true, includeAdmins: true },
      new Set(),
    );
    expect(withAdmins.toDisable.map((u) => u.id)).toStrictEqual([ID(2), ID(4)]);
    const reportOnly = planPolicy(
      users,
      allowing(1),
      { enforce: false, includeAdmins: true },
      new Set(),
    );
    expect(reportOnly.toDisable).toStrictEqual([]);
    expect(reportOnly.violators).toHaveLength(2);
  });

  it("while an entry is pending, leaves a user the program grants undecided", () => {
    const plan = planPolicy(
      users,
      { ...allowing(), pending: true },
      { enforce: true, includeAdmins: false },
      new Set([ID(1)]),
    );
    expect(plan.undecided.map((u) => u.id)).toStrictEqual([ID(1)]);
    expect(plan.toDisable.map((u) => u.id)).toStrictEqual([ID(2)]);
  });

  it("caps the users one update disables", () => {
    const plan = planPolicy(users, allowing(), { enforce: true, includeAdmins: true }, new Set());
    expect(capFailure(plan, 3, "p")).toStrictEqual([]);
    expect(capFailure(plan, 2, "p")[0]).toContain("set maxDisabled: 3");
  });
});

describe("users a UserApiAccess of the program turns off", () => {
  const settings = { enforce: true, includeAdmins: false };
  // The program of issue 16: 1 and 2 declared off, 3 allowed, 4 the policy's own violator.
  const live = [user(1, true), user(2, true), user(3, true), user(4, true)];

  it("are neither violators nor counted against maxDisabled, by id or by email", () => {
    const off = declaredOffOf({ __declaredOff: [ID(1).toUpperCase(), " User2@Example.com "] });
    const plan = planPolicy(live, allowing(3), settings, new Set(), off);
    expect(plan.violators.map((u) => u.id)).toStrictEqual([ID(4)]);
    expect(plan.toDisable.map((u) => u.id)).toStrictEqual([ID(4)]);
    expect(capFailure(plan, 1, "p")).toStrictEqual([]);
  });

  it("adds the ids the deployment record holds, and reads old state without the input as none", () => {
    const plan = planPolicy(live, allowing(3), settings, new Set(), declaredOffOf({}, [ID(2)]));
    expect(plan.toDisable.map((u) => u.id)).toStrictEqual([ID(1), ID(4)]);
    expect(declaredOffOf({})).toStrictEqual({ ids: new Set(), emails: new Set(), pending: false });
  });

  it("skips a declaration that turned out true, and is pending while one is not known", () => {
    expect(declaredOffOf({ __declaredOff: ["", 7, null] })).toStrictEqual({
      ids: new Set(),
      emails: new Set(),
      pending: false,
    });
    const off = declaredOffOf({ __declaredOff: [ID(1), UNKNOWN] });
    expect(off.pending).toBe(true);
    expect(declaredOffOf({ __declaredOff: UNKNOWN }).pending).toBe(true);
    const plan = planPolicy(live, allowing(3), settings, new Set(), off);
    expect(planNotes(plan, "declaration")).toStrictEqual(
      [user(2, true), user(4, true)].map(
        (u) =>
          `would disable API access of ${u.email} (${u.id}): not allowed by the policy (unless a UserApiAccess whose user is not known until the update turns that user's API access off)`,
      ),
    );
  });
});

describe("changesPlanned", () => {
  const settings = { enforce: true, maxDisabled: 5, includeAdmins: false };
  const stored: PolicyOutputs = {
    violators: [policyUser(user(2, true)), policyUser(user(4, true))],
    disabled: [policyUser(user(2, true))],
    skippedAdmins: [policyUser(user(4, true))],
    allowedUserIds: [ID(1)],
    exemptUserIds: [],
    ...settings,
  };
  const now = (plan: ReturnType<typeof planPolicy>): PolicyOutputs => ({
    violators: plan.violators.map(policyUser),
    disabled: [],
    skippedAdmins: plan.skippedAdmins.map(policyUser),
    allowedUserIds: [ID(1)],
    exemptUserIds: [],
    ...settings,
  });

  it("plans nothing after an up when only skipped admins remain", () => {
    const live = [user(1, true), user(2, false), user(4, true, ["manage_users"])];
    const plan = planPolicy(live, allowing(1), settings, new Set());
    expect(changesPlanned(stored, now(plan), plan)).toBe(false);
  });

  it("plans an update for a violator to disable, or a changed setting", () => {
    const live = [user(1, true), user(2, true)];
    const plan = planPolicy(live, allowing(1), settings, new Set());
    expect(changesPlanned(stored, now(plan), plan)).toBe(true);
    const quiet = planPolicy([user(1, true)], allowing(1), settings, new Set());
    expect(changesPlanned(stored, { ...now(quiet), maxDisabled: 6 }, quiet)).toBe(true);
  });
});
