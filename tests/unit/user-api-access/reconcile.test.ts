import {
  decideDiff,
  deleteTarget,
  outputsFor,
  patchNeeded,
  releaseNote,
} from "../../../provider/user-api-access/plan";
import {
  UNKNOWN,
  type AccessOutputs,
  type DeclaredAccess,
} from "../../../provider/user-api-access/types";
import type { VultrUser } from "../../../provider/client/types";

const ID = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";
const OTHER = "0e8d9b1a-1111-4222-8333-444455556666";

function live(apiEnabled: boolean, acls = ["dns", "billing", "dns"]): VultrUser {
  return { id: ID, email: "alice@example.com", name: "Alice", apiEnabled, acls };
}

function stored(overrides: Partial<AccessOutputs> = {}): AccessOutputs {
  return {
    userId: ID,
    email: "alice@example.com",
    name: "Alice",
    apiEnabled: false,
    acls: [],
    initialApiEnabled: true,
    onDelete: "restore",
    ...overrides,
  };
}

function declared(overrides: Partial<DeclaredAccess> = {}): DeclaredAccess {
  return { userId: ID, apiEnabled: false, onDelete: "restore", ...overrides };
}

describe("decideDiff", () => {
  it("reports no change when the live user matches the declaration", () => {
    expect(decideDiff(stored(), declared(), live(false))).toStrictEqual({
      changes: false,
      replaces: [],
      notes: [],
      info: [],
    });
  });

  it("finds drift made in the console even though state matches the declaration", () => {
    const decision = decideDiff(stored(), declared(), live(true));
    expect(decision.changes).toBe(true);
    expect(decision.replaces).toStrictEqual([]);
    expect(decision.notes).toHaveLength(1);
    expect(decision.notes[0]).toMatch(/drift on Vultr user alice@example.com \(cb676a46-/);
    expect(decision.notes[0]).toMatch(/api_enabled is true in Vultr, declared false/);
  });

  it("reports a declared change as a grant or a revoke", () => {
    const decision = decideDiff(
      stored({ apiEnabled: false }),
      declared({ apiEnabled: true }),
      live(false),
    );
    expect(decision.changes).toBe(true);
    // A declared change is information, not a warning.
    expect(decision.notes).toStrictEqual([]);
    expect(decision.info[0]).toMatch(/up will grant API access/);
  });

  it("replaces the resource when the declaration names another user", () => {
    const decision = decideDiff(stored(), declared({ userId: OTHER }), live(false));
    expect(decision).toMatchObject({ changes: true, replaces: ["userId"] });
    const byEmail = decideDiff(
      stored(),
      declared({ userId: OTHER, email: "bob@example.com" }),
      undefined,
    );
    expect(byEmail.replaces).toStrictEqual(["email"]);
  });

  it("records a declared change that Vultr already holds, without drift wording", () => {
    const decision = decideDiff(
      stored({ apiEnabled: false }),
      declared({ apiEnabled: true }),
      live(true),
    );
    expect(decision.changes).toBe(true);
    expect(decision.notes).toStrictEqual([]);
    expect(decision.info[0]).toMatch(/already has api_enabled true, as now declared/);
  });

  it("updates without any API call when only onDelete changes", () => {
    const decision = decideDiff(stored(), declared({ onDelete: "retain" }), live(false));
    expect(decision).toStrictEqual({ changes: true, replaces: [], notes: [], info: [] });
  });

  it("shows a change when the user no longer exists", () => {
    const decision = decideDiff(stored(), declared(), undefined);
    expect(decision.changes).toBe(true);
    expect(decision.notes[0]).toMatch(/no longer exists/);
  });

  it("treats unknown values as a possible change", () => {
    expect(decideDiff(stored(), declared({ apiEnabled: UNKNOWN }), live(false)).changes).toBe(true);
    expect(decideDiff(stored(), declared({ userId: UNKNOWN }), live(false)).changes).toBe(true);
  });
});

describe("patchNeeded (create and update)", () => {
  it("patches only when the live value differs", () => {
    expect(patchNeeded(live(true), true)).toBeUndefined();
    expect(patchNeeded(live(true), false)).toBe(false);
    expect(patchNeeded(live(false), true)).toBe(true);
  });
});

describe("deleteTarget", () => {
  it("restores the value found at adoption when the resource is deleted", () => {
    expect(deleteTarget(stored({ initialApiEnabled: true }), live(false))).toBe(true);
    expect(deleteTarget(stored({ initialApiEnabled: false }), live(false))).toBeUndefined();
  });

  it("disables access under the disable policy, once", () => {
    expect(deleteTarget(stored({ onDelete: "disable" }), live(true))).toBe(false);
    expect(deleteTarget(stored({ onDelete: "disable" }), live(false))).toBeUndefined();
  });

  it("leaves the user alone under the retain policy", () => {
    expect(deleteTarget(stored({ onDelete: "retain" }), live(true))).toBeUndefined();
  });

  it("succeeds without a write when the user is already gone", () => {
    expect(deleteTarget(stored(), undefined)).toBeUndefined();
  });
});

describe("outputsFor", () => {
  it("returns every output, with ACLs as a sorted set", () => {
    const outs = outputsFor(live(true), false, true, "disable");
    expect(outs).toStrictEqual({
      userId: ID,
      email: "alice@example.com",
      name: "Alice",
      apiEnabled: false,
      acls: ["billing", "dns"],
      initialApiEnabled: true,
      onDelete: "disable",
    });
    expect(Object.values(outs).every((v) => v !== undefined)).toBe(true);
  });
});

describe("releaseNote", () => {
  const head = `released: Vultr user alice@example.com (${ID}) is now managed by UserApiAccess "new"`;
  const next = { name: "new", initialApiEnabled: true, onDelete: "restore" as const };

  it("says nothing changed when the new resource recorded the same pre-Pulumi values", () => {
    expect(releaseNote(stored(), next, false)).toStrictEqual({
      severity: "info",
      text: `${head}; nothing changed`,
    });
  });

  it.each([
    ["restore", "destroying it will restore on"],
    ["disable", 'destroying it will turn API access off (onDelete "disable")'],
    ["retain", 'destroying it will leave API access as it is (onDelete "retain")'],
  ] as const)("names the dropped api_enabled and what onDelete %s will do", (onDelete, then) => {
    const note = releaseNote(stored({ initialApiEnabled: false }), { ...next, onDelete }, false);
    expect(note).toStrictEqual({
      severity: "warning",
      text: `${head}; it had API access off before Pulumi, UserApiAccess "new" records on, and ${then} — use an alias to keep the original`,
    });
  });

  it("names a dropped allowlist, also when the new resource does not manage it", () => {
    const old = stored({ allowedIps: ["8.8.8.0/24"], initialAllowedIps: ["0.0.0.0/0", "::/0"] });
    expect(releaseNote(old, next, true).text).toBe(
      `${head}; it had the API allowlist 0.0.0.0/0, ::/0 before Pulumi, and UserApiAccess "new" does not manage the allowlist, so nothing will restore it — keep each user under its own resource (change apiEnabled, not userId) to keep the original`,
    );
    const managed = { ...next, initialAllowedIps: ["::/0", "0.0.0.0/0"] };
    expect(releaseNote(old, managed, false).severity).toBe("info");
    expect(releaseNote(old, { ...managed, initialAllowedIps: [] }, false).text).toBe(
      `${head}; it had the API allowlist 0.0.0.0/0, ::/0 before Pulumi, UserApiAccess "new" records (empty), and destroying it will restore (empty) — use an alias to keep the original`,
    );
  });
});
