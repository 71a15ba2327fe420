/**
 * Checks answers against the documented shapes. An answer the provider cannot trust (a user
 * without `api_enabled`, `api_enabled` as a string) is an error, never a guess: deciding access
 * from a misread field is worse than failing.
 */
import { VultrInvalidResponseError } from "./errors";
import type { UsersPage, VultrUser } from "./types";

export function fail(context: string, problem: string): never {
  throw new VultrInvalidResponseError(
    `${context}: Vultr's answer ${problem} — the provider does not act on an answer it cannot ` +
      "trust; try again later, and report it if it persists",
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `secret`: the text may hold a key nobody has seen yet, so it is not quoted. */
export function parseJson(text: string, context: string, secret = false): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Transient (a proxy's page, a cut-off body): retried, and the advice comes when the client
    // gives up, so no advice here.
    const start = text.slice(0, 80).replace(/\s+/g, " ");
    const shown = secret
      ? `${text.length} characters, not shown: it may hold the new key`
      : `it starts with ${JSON.stringify(start)}`;
    throw new VultrInvalidResponseError(`${context}: Vultr's answer is not JSON (${shown})`);
  }
}

export function parseUser(value: unknown, context: string): VultrUser {
  if (!isRecord(value)) return fail(context, "has no user object");
  const { id, email, name, api_enabled: apiEnabled, acls } = value;
  if (typeof id !== "string" || id === "") return fail(context, "has a user without an id");
  if (typeof apiEnabled !== "boolean") {
    return fail(
      context,
      `has user ${id} with api_enabled ${apiEnabled === undefined ? "missing" : `as ${typeof apiEnabled} ${JSON.stringify(apiEnabled)}`}, not a boolean`,
    );
  }
  if (typeof email !== "string") return fail(context, `has user ${id} without an email`);
  if (acls !== undefined && (!Array.isArray(acls) || !acls.every((a) => typeof a === "string"))) {
    return fail(context, `has user ${id} whose acls are not a list of strings`);
  }
  return {
    id,
    email,
    name: typeof name === "string" ? name : "",
    apiEnabled,
    acls: acls ?? [],
    ...profileOf(value),
  };
}

type Profile = Omit<VultrUser, "id" | "email" | "name" | "apiEnabled" | "acls">;

/**
 * The 2026 fields, each only when present with its documented type. None of them decides
 * access, so a field of the wrong type is left out rather than failing the whole read.
 */
function profileOf(value: Record<string, unknown>): Profile {
  const profile: Profile = {};
  const text = (key: string) => {
    const field = value[key];
    return typeof field === "string" ? field : undefined;
  };
  const flag = (key: string) => {
    const field = value[key];
    return typeof field === "boolean" ? field : undefined;
  };
  const firstName = text("first_name");
  const lastName = text("last_name");
  const status = text("status");
  const serviceUser = flag("service_user");
  const lastActivity = text("last_activity");
  const invitedBy = text("invited_by");
  const invitedOn = text("invited_on");
  const inviteAccepted = flag("invite_accepted");
  if (firstName !== undefined) profile.firstName = firstName;
  if (lastName !== undefined) profile.lastName = lastName;
  if (status !== undefined) profile.status = status;
  if (serviceUser !== undefined) profile.serviceUser = serviceUser;
  if (lastActivity !== undefined) profile.lastActivity = lastActivity;
  if (invitedBy !== undefined) profile.invitedBy = invitedBy;
  if (invitedOn !== undefined) profile.invitedOn = invitedOn;
  if (inviteAccepted !== undefined) profile.inviteAccepted = inviteAccepted;
  return profile;
}

export function parseUserEnvelope(value: unknown, context: string): VultrUser {
  if (!isRecord(value)) return fail(context, "is not an object");
  return parseUser(value.user, context);
}

export function parseUsersPage(value: unknown, perPage: number, context: string): UsersPage {
  if (!isRecord(value) || !Array.isArray(value.users)) return fail(context, "has no users list");
  if (value.users.length > perPage) {
    return fail(context, `holds ${value.users.length} users on a page of at most ${perPage}`);
  }
  const meta = isRecord(value.meta) ? value.meta : {};
  const links = isRecord(meta.links) ? meta.links : {};
  const total = typeof meta.total === "number" ? meta.total : value.users.length;
  const next = typeof links.next === "string" && links.next !== "" ? links.next : undefined;
  return { users: value.users.map((u) => parseUser(u, context)), total, nextCursor: next };
}
