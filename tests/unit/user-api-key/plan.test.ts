import type { ApiKeyInfo } from "../../../provider/client/types";
import { DAY_MS, inDays, planKey, type PlanInput } from "../../../provider/user-api-key/plan";
import type { DeclaredKey, KeyOutputs } from "../../../provider/user-api-key/types";
import { validateKeyInputs } from "../../../provider/user-api-key/validate";
import { UNKNOWN } from "../../../provider/values/unknown";

const USER = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";
const WHO = `ci@example.com (${USER})`;
const MADE = Date.parse("2026-12-01T00:00:00Z");
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const EXPIRES = iso(MADE + 90 * DAY_MS); // 2027-03-01

const stored: KeyOutputs = {
  userId: USER,
  email: "ci@example.com",
  name: "ci",
  keyId: "k1",
  apiKey: "CLEAR",
  keyHint: "…3f9a2",
  dateExpire: EXPIRES,
  previousKeyId: "",
  previousKeyHint: "",
  previousDateExpire: "",
  retiringKeyIds: [],
  lifetimeDays: 90,
  rotateBeforeDays: 15,
  keepPrevious: true,
};
const declared: DeclaredKey = {
  userId: USER,
  name: "ci",
  lifetimeDays: 90,
  rotateBeforeDays: 15,
  keepPrevious: true,
};
const live = (id: string, dateExpire = EXPIRES): ApiKeyInfo => ({
  id,
  maskedKey: "*****3f9a2",
  name: "ci",
  expire: true,
  dateExpire,
});
const at = (daysAfterMade: number): Date => new Date(MADE + daysAfterMade * DAY_MS);
function plan(overrides: Partial<PlanInput> = {}) {
  return planKey({ stored, declared, live: [live("k1")], now: at(10), who: WHO, ...overrides });
}

describe("planKey", () => {
  it("plans nothing while the key is far from expiry", () => {
    expect(plan()).toStrictEqual({ action: "none", replaces: [], notes: [], info: [] });
  });

  it("plans a rotation within rotateBeforeDays, judged by Vultr's now, with the issue's message", () => {
    const due = plan({ now: at(78) });
    expect(due.action).toBe("rotate");
    expect(due.notes).toStrictEqual([
      `rotation due: key ci of ${WHO} (…3f9a2) expires 2027-03-01 (in 12 days); up will make a new key`,
    ]);
    expect(plan({ now: at(74) }).action).toBe("none");
    expect(plan({ now: at(75) }).action).toBe("rotate");
  });

  it("plans a rotation of an expired key and says it expired", () => {
    const due = plan({ now: at(93) });
    expect(due.action).toBe("rotate");
    expect(due.notes[0]).toContain("expired 2027-03-01 (3 days ago)");
  });

  it("judges by the live expiry over the stored one", () => {
    expect(plan({ live: [live("k1", iso(MADE + 20 * DAY_MS))] }).action).toBe("rotate");
  });

  it("plans a new key when the current key was deleted outside Pulumi", () => {
    const gone = plan({ live: [] });
    expect(gone.action).toBe("new-key");
    expect(gone.notes).toStrictEqual([
      `key ci of ${WHO} (…3f9a2) was deleted outside Pulumi; up will make a new key`,
    ]);
  });

  it("replaces on a changed user, email or name", () => {
    const other = "0c8f0f8e-0000-4000-8000-000000000000";
    expect(plan({ declared: { ...declared, userId: other } }).replaces).toStrictEqual(["userId"]);
    expect(plan({ declared: { ...declared, name: "deploy" } }).replaces).toStrictEqual(["name"]);
    const byUser = { name: "ci", lifetimeDays: 90, rotateBeforeDays: 15, keepPrevious: true };
    const byEmail = { ...byUser, email: "other@example.com" };
    expect(plan({ declared: byEmail }).replaces).toStrictEqual(["email"]);
    const sameEmail = { ...byUser, email: "ci@example.com" };
    expect(plan({ declared: sameEmail }).action).toBe("none");
    // Still to be computed (the bot's UserApiAccess changes in the same preview): up decides.
    expect(plan({ declared: { ...declared, userId: UNKNOWN } }).action).toBe("none");
  });

  it("records a lifetime change and says when it applies", () => {
    const changed = plan({ declared: { ...declared, lifetimeDays: 30 } });
    expect(changed.action).toBe("record");
    expect(changed.notes).toStrictEqual([]);
    expect(changed.info).toStrictEqual([
      `lifetimeDays of key ci of ${WHO} (…3f9a2) changes from 90 to 30: recorded now, it applies from the next key, made at the rotation due 2027-02-14`,
    ]);
    const rotate = plan({ declared: { ...declared, rotateBeforeDays: 30 } });
    expect(rotate.action).toBe("record");
    expect(rotate.info[0]).toContain("due for rotation 2027-01-30");
  });

  it("retires a previous key when keepPrevious is turned off, and records a previous gone", () => {
    const withPrevious = { ...stored, previousKeyId: "k0", previousKeyHint: "…00000" };
    const off = plan({
      stored: withPrevious,
      declared: { ...declared, keepPrevious: false },
      live: [live("k1"), live("k0")],
    });
    expect(off.action).toBe("record");
    expect(off.info.join("\n")).toContain("up deletes the previous key ci");
    const gone = plan({ stored: withPrevious });
    expect(gone.action).toBe("record");
    expect(gone.info).toStrictEqual([
      `the previous key ci of ${WHO} (…00000) is gone; up records that`,
    ]);
    expect(plan({ stored: withPrevious, live: [live("k1"), live("k0")] }).action).toBe("none");
  });

  it("finishes retiring leftovers that still exist", () => {
    const leftover = { ...stored, retiringKeyIds: ["k0"] };
    expect(plan({ stored: leftover, live: [live("k1"), live("k0")] }).action).toBe("record");
    expect(plan({ stored: leftover }).action).toBe("record");
  });

  it("counts days left up, days past down", () => {
    const now = at(0);
    expect(inDays(now.getTime() + DAY_MS, now)).toBe("in 1 day");
    expect(inDays(now.getTime() + 1000, now)).toBe("in 1 day");
    expect(inDays(now.getTime() + 10 * DAY_MS - 5000, now)).toBe("in 10 days");
    expect(inDays(now.getTime() - 1000, now)).toBe("earlier today");
  });
});

describe("validateKeyInputs", () => {
  const ok = { userId: USER, name: "ci", lifetimeDays: 90 };

  it("applies the defaults: rotateBeforeDays lifetimeDays / 3 rounded down, keepPrevious true", () => {
    expect(validateKeyInputs(ok)).toStrictEqual({
      inputs: {
        userId: USER,
        name: "ci",
        lifetimeDays: 90,
        rotateBeforeDays: 30,
        keepPrevious: true,
      },
      failures: [],
    });
    expect(validateKeyInputs({ ...ok, lifetimeDays: 10 }).inputs.rotateBeforeDays).toBe(3);
    expect(validateKeyInputs({ ...ok, email: "CI@Example.com " }).inputs.email).toBe(
      "ci@example.com",
    );
  });

  it.each([
    [{ ...ok, name: "" }, "name"],
    [{ ...ok, name: "x".repeat(65) }, "name"],
    [{ ...ok, lifetimeDays: undefined }, "lifetimeDays"],
    [{ ...ok, lifetimeDays: 0 }, "lifetimeDays"],
    [{ ...ok, lifetimeDays: 366 }, "lifetimeDays"],
    [{ ...ok, lifetimeDays: 1.5 }, "lifetimeDays"],
    [{ ...ok, lifetimeDays: 1 }, "rotateBeforeDays"],
    [{ ...ok, rotateBeforeDays: 90 }, "rotateBeforeDays"],
    [{ ...ok, rotateBeforeDays: 0 }, "rotateBeforeDays"],
    [{ ...ok, keepPrevious: "yes" }, "keepPrevious"],
    [{ ...ok, userId: "../x" }, "userId"],
    [{ name: "ci", lifetimeDays: 90 }, "userId"],
    [{ ...ok, userId: undefined, email: "not-an-email" }, "email"],
    [{ ...ok, lifeTimeDays: 9 }, "lifeTimeDays"],
  ])("refuses %j naming %s", (news, property) => {
    const { failures } = validateKeyInputs(news);
    expect(failures.map((f) => f.property)).toStrictEqual([property]);
  });

  it("takes the name limit as a setting", () => {
    const limits = { nameMaxLength: 3, maxLifetimeDays: 365 };
    expect(validateKeyInputs({ ...ok, name: "ci-x" }, limits).failures[0]?.reason).toBe(
      "name is 4 characters long; Vultr takes at most 3",
    );
  });
});
