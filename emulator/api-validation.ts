import { ACL_VALUES, canonicalAcls, isAcl, type Acl } from "./acls";
import type { Parsed } from "./parsed";
import type { UserChanges } from "./store";
import type { EmulatedUser } from "./types";

// Request bodies of POST and PATCH /users, checked the way the service does: the first problem
// found is the 400's reason, and nothing is changed unless the whole body is valid.

export interface NewUser {
  email: string;
  name: string;
  password: string;
  api_enabled: boolean;
  acls: Acl[];
  service_user: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** POST: email, name (or first_name/last_name) and password are required. */
export function newUserFromBody(body: unknown): Parsed<NewUser> {
  try {
    const fields = bodyFields(body);
    const email = emailField(fields);
    const name = nameField(fields, undefined);
    const password = stringField(fields, "password");
    if (email === undefined) return invalid("email is required.");
    if (name === undefined) return invalid("name is required.");
    if (password === undefined) return invalid("password is required.");
    return {
      ok: true,
      value: {
        email,
        name,
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

/**
 * PATCH: "All attributes are optional. If not set, the attributes will retain their original
 * values." `acls` replaces the whole list; `service_user` is create-only and ignored here.
 */
export function userChangesFromBody(body: unknown, current: EmulatedUser): Parsed<UserChanges> {
  try {
    const fields = bodyFields(body);
    const changes: UserChanges = {};
    const email = emailField(fields);
    if (email !== undefined) changes.email = email;
    const name = nameField(fields, current.name);
    if (name !== undefined) changes.name = name;
    const password = stringField(fields, "password");
    if (password !== undefined) changes.password = password;
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
 * `name`, or the newer `first_name`/`last_name` pair joined into one. On PATCH a missing half
 * keeps the current name's half.
 */
function nameField(fields: Record<string, unknown>, currentName: string | undefined) {
  const name = stringField(fields, "name");
  const first = stringField(fields, "first_name");
  const last = stringField(fields, "last_name");
  if (name !== undefined || (first === undefined && last === undefined)) return name;
  const [currentFirst = "", ...currentRest] = (currentName ?? "").split(" ");
  return [first ?? currentFirst, last ?? currentRest.join(" ")]
    .filter((part) => part !== "")
    .join(" ");
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
