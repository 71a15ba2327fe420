import { ACL_VALUES, canonicalAcls, isAcl, type Acl } from "./acls";
import type { Parsed } from "./parsed";
import type { UserChanges } from "./store";
import { joinName, splitName } from "./user-profile";

// Request bodies of POST and PATCH /users, checked the way the service does: the first problem
// found is the 400's reason, and nothing is changed unless the whole body is valid.

export interface NewUser {
  email: string;
  name: string;
  first_name: string;
  last_name: string;
  password: string;
  api_enabled: boolean;
  acls: Acl[];
  service_user: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** POST: email, `first_name` + `last_name` (2026) or `name` (older), and password are required. */
export function newUserFromBody(body: unknown): Parsed<NewUser> {
  try {
    const fields = bodyFields(body);
    const email = emailField(fields);
    const names = nameFields(fields);
    const password = stringField(fields, "password");
    if (email === undefined) return invalid("email is required.");
    if (names === undefined) return invalid("name is required (or first_name and last_name).");
    if (password === undefined) return invalid("password is required.");
    return {
      ok: true,
      value: {
        email,
        ...names,
        password,
        api_enabled: booleanField(fields, "api_enabled") ?? true,
        acls: aclsField(fields) ?? [],
        service_user: booleanField(fields, "service_user") ?? false,
      },
    };
  } catch (error) {
    return rejected(error);
  }
}

/** Fields PATCH took before 07/2025: "no longer supported", so refused rather than ignored. */
const RETIRED_PATCH_FIELDS = ["name", "first_name", "last_name", "password"] as const;

/**
 * PATCH: "All attributes are optional. If not set, the attributes will retain their original
 * values." Only `email`, `api_enabled` and `acls` remain (2026); `acls` replaces the whole list;
 * `service_user` is create-only and other unknown fields are ignored.
 */
export function userChangesFromBody(body: unknown): Parsed<UserChanges> {
  try {
    const fields = bodyFields(body);
    const retired = RETIRED_PATCH_FIELDS.find((key) => fields[key] !== undefined);
    if (retired !== undefined) {
      return invalid(
        `${retired} is no longer supported by PATCH /users/{user-id} (since 07/2025); ` +
          "only email, api_enabled and acls can be changed.",
      );
    }
    const changes: UserChanges = {};
    const email = emailField(fields);
    if (email !== undefined) changes.email = email;
    const apiEnabled = booleanField(fields, "api_enabled");
    if (apiEnabled !== undefined) changes.api_enabled = apiEnabled;
    const acls = aclsField(fields);
    if (acls !== undefined) changes.acls = acls;
    return { ok: true, value: changes };
  } catch (error) {
    return rejected(error);
  }
}

class InvalidField extends Error {}

function invalid(reason: string): Parsed<never> {
  return { ok: false, reason };
}

function rejected(error: unknown): Parsed<never> {
  if (error instanceof InvalidField) return invalid(error.message);
  throw error;
}

function bodyFields(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidField("Request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

function stringField(fields: Record<string, unknown>, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidField(`${key} must be a non-empty string.`);
  }
  return value;
}

function booleanField(fields: Record<string, unknown>, key: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean")
    throw new InvalidField(`${key} must be a boolean (true or false).`);
  return value;
}

function emailField(fields: Record<string, unknown>): string | undefined {
  const email = stringField(fields, "email");
  if (email !== undefined && !EMAIL.test(email)) {
    throw new InvalidField(`email ${JSON.stringify(email)} is not a valid email address.`);
  }
  return email;
}

/**
 * `first_name` and `last_name` (the 2026 API) make the full `name`; an older client's `name`
 * alone is split at its first space. Both given: each kept as sent.
 */
function nameFields(fields: Record<string, unknown>) {
  const name = stringField(fields, "name");
  const first = stringField(fields, "first_name");
  const last = stringField(fields, "last_name");
  if (first === undefined && last === undefined) {
    return name === undefined ? undefined : { name, ...splitName(name) };
  }
  if (first === undefined) throw new InvalidField("first_name is required with last_name.");
  if (last === undefined) throw new InvalidField("last_name is required with first_name.");
  return { name: name ?? joinName(first, last), first_name: first, last_name: last };
}

function aclsField(fields: Record<string, unknown>): Acl[] | undefined {
  const value = fields["acls"];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidField("acls must be an array of strings.");
  const unknown = (value as unknown[]).find((acl) => !isAcl(acl));
  if (unknown !== undefined) {
    throw new InvalidField(
      `Invalid ACL ${JSON.stringify(unknown)}; valid values are ${ACL_VALUES.join(", ")}.`,
    );
  }
  return canonicalAcls(value as Acl[]);
}
