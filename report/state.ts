/**
 * `--state FILE`: the declarations of `pulumi stack export` files, and which of them manage a
 * user. Reading a file is the only I/O here; the join is pure.
 *
 * How a declaration counts (documented in `--help` and the README):
 * - a `UserApiAccess` manages its user and declares its `apiEnabled` (and `allowedIps`);
 * - an `ApiAccessPolicy` manages the users in its allowed and exempt lists, declaring nothing
 *   (`declaredApiEnabled: null`), and, when it enforces, declares `false` for every other
 *   API-enabled user except the admins it leaves alone (`includeAdmins` false, its default, or
 *   listed in its `skippedAdmins`). `drift` then reports those.
 * - `managed-twice` counts `UserApiAccess` declarations only: a policy listing a user that a
 *   resource also manages is the intended pairing.
 */
import { readFile } from "node:fs/promises";
import type {
  AccountUser,
  Declaration,
  KeyDeclaration,
  ManagedBy,
  PolicyDeclaration,
  StackDeclarations,
} from "./types";

export const ACCESS_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";
export const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
export const KEY_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiKey";

/** A `--state` file that cannot be used: a usage error, named after the file. */
export class StateFileError extends Error {
  override name = "StateFileError" as const;
}

type Props = Record<string, unknown>;

interface ExportedResource {
  urn: string;
  type: string;
  id: unknown;
  inputs: Props;
  outputs: Props;
  delete: unknown;
  pendingReplacement: unknown;
}

function isRecord(value: unknown): value is Props {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string, or undefined for anything else (absent, or a secret Pulumi stored encrypted). */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function texts(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const items: unknown[] = value;
  return items.every((item): item is string => typeof item === "string") ? items : null;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → `<project>/<stack>` and `<name>`. */
export function parseUrn(urn: string): { stack: string; resource: string } | undefined {
  const prefix = "urn:pulumi:";
  if (!urn.startsWith(prefix)) return undefined;
  const parts = urn.slice(prefix.length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project] = parts;
  return { stack: `${project}/${stack}`, resource: parts.slice(3).join("::") };
}

/** The resources of an export; throws StateFileError when it is not one. */
function exportedResources(exported: unknown, file: string): ExportedResource[] {
  const deployment = isRecord(exported) ? exported.deployment : undefined;
  if (!isRecord(deployment)) {
    throw new StateFileError(
      `--state ${file}: not a \`pulumi stack export\` file (it has no "deployment" object); ` +
        "write one with `pulumi stack export --file <file>`",
    );
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) {
    throw new StateFileError(`--state ${file}: "deployment.resources" is not a list`);
  }
  return resources.filter(isRecord).map((resource) => ({
    urn: text(resource.urn) ?? "",
    type: text(resource.type) ?? "",
    id: resource.id,
    inputs: isRecord(resource.inputs) ? resource.inputs : {},
    outputs: isRecord(resource.outputs) ? resource.outputs : {},
    delete: resource.delete,
    pendingReplacement: resource.pendingReplacement,
  }));
}

/** The declarations of one parsed export. `file` names it in errors. */
export function declarationsOf(exported: unknown, file: string): StackDeclarations {
  const result: StackDeclarations = { stacks: [], accesses: [], policies: [] };
  for (const resource of exportedResources(exported, file)) {
    const name = parseUrn(resource.urn);
    if (name === undefined) continue;
    if (!result.stacks.includes(name.stack)) result.stacks.push(name.stack);
    // A resource marked for deletion (a replaced one not yet deleted) declares nothing any more.
    if (resource.delete === true || resource.pendingReplacement === true) continue;
    if (resource.type === ACCESS_TYPE) result.accesses.push(accessOf(resource, name));
    if (resource.type === POLICY_TYPE) result.policies.push(policyOf(resource, name));
    if (resource.type === KEY_TYPE) (result.keys ??= []).push(keyOf(resource, name));
  }
  return result;
}

function keyOf(
  resource: ExportedResource,
  name: { stack: string; resource: string },
): KeyDeclaration {
  const { outputs } = resource;
  const ids = [outputs.keyId, outputs.previousKeyId, ...(texts(outputs.retiringKeyIds) ?? [])];
  return {
    ...name,
    userId: text(outputs.userId),
    keyIds: ids.flatMap((id) => text(id) ?? []),
  };
}

function accessOf(
  resource: ExportedResource,
  name: { stack: string; resource: string },
): Declaration {
  const { inputs, outputs } = resource;
  const declared = inputs.apiEnabled;
  return {
    ...name,
    kind: "UserApiAccess",
    userId: text(outputs.userId) ?? text(inputs.userId) ?? text(resource.id),
    email: text(outputs.email) ?? text(inputs.email),
    declaredApiEnabled: typeof declared === "boolean" ? declared : null,
    declaredAllowedIps: texts(inputs.allowedIps),
  };
}

function policyOf(
  resource: ExportedResource,
  name: { stack: string; resource: string },
): PolicyDeclaration {
  const { inputs, outputs } = resource;
  const enforce = outputs.enforce ?? inputs.enforce;
  const includeAdmins = outputs.includeAdmins ?? inputs.includeAdmins;
  const skipped = Array.isArray(outputs.skippedAdmins) ? outputs.skippedAdmins : [];
  return {
    ...name,
    allowedUserIds: texts(outputs.allowedUserIds) ?? [],
    exemptUserIds: texts(outputs.exemptUserIds) ?? [],
    // A policy restricts unless told not to.
    enforce: typeof enforce === "boolean" ? enforce : true,
    // The policy's default: admins are left alone unless it says otherwise.
    includeAdmins: includeAdmins === true,
    skippedAdminIds: skipped.flatMap((admin) =>
      isRecord(admin) && typeof admin.userId === "string" ? [admin.userId] : [],
    ),
  };
}

/** Reads and joins every `--state` file. The same resource in two files counts once. */
export async function readStateFiles(files: readonly string[]): Promise<StackDeclarations> {
  const all: StackDeclarations = { stacks: [], accesses: [], policies: [] };
  const seen = new Set<string>();
  for (const file of files) {
    let raw: string;
    try {
      raw = await readFile(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StateFileError(`--state ${file}: cannot read it (${code ?? String(error)})`);
    }
    let exported: unknown;
    try {
      exported = JSON.parse(raw) as unknown;
    } catch {
      throw new StateFileError(
        `--state ${file}: not JSON, so not a \`pulumi stack export\` file; ` +
          "write one with `pulumi stack export --file <file>`",
      );
    }
    const found = declarationsOf(exported, file);
    const firstTime = (key: string) => !seen.has(key) && seen.add(key) !== undefined;
    for (const stack of found.stacks) if (!all.stacks.includes(stack)) all.stacks.push(stack);
    for (const access of found.accesses) {
      if (firstTime(`${access.stack}::${access.resource}::access`)) all.accesses.push(access);
    }
    for (const policy of found.policies) {
      if (firstTime(`${policy.stack}::${policy.resource}::policy`)) all.policies.push(policy);
    }
    for (const key of found.keys ?? []) {
      if (firstTime(`${key.stack}::${key.resource}::key`)) (all.keys ??= []).push(key);
    }
  }
  return all;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The declarations that manage one user, resources first, in the order of the files. */
export function managedByFor(user: AccountUser, stacks: StackDeclarations): ManagedBy[] {
  const managed: ManagedBy[] = [];
  for (const access of stacks.accesses) {
    const targets =
      access.userId !== undefined
        ? same(access.userId, user.id)
        : access.email !== undefined && same(access.email, user.email);
    if (!targets) continue;
    managed.push({
      stack: access.stack,
      resource: access.resource,
      kind: "UserApiAccess",
      declaredApiEnabled: access.declaredApiEnabled,
      declaredAllowedIps: access.declaredAllowedIps,
    });
  }
  for (const policy of stacks.policies) {
    const listed = [...policy.allowedUserIds, ...policy.exemptUserIds].some((id) =>
      same(id, user.id),
    );
    const restricted =
      !listed &&
      policy.enforce &&
      user.apiEnabled &&
      (policy.includeAdmins || !user.acls.includes("manage_users")) &&
      !policy.skippedAdminIds.some((id) => same(id, user.id));
    if (!listed && !restricted) continue;
    managed.push({
      stack: policy.stack,
      resource: policy.resource,
      kind: "ApiAccessPolicy",
      declaredApiEnabled: listed ? null : false,
      declaredAllowedIps: null,
    });
  }
  return managed;
}
