/**
 * What this provider process has seen of the current deployment. The engine runs one engine pass
 * (a preview, an update, a refresh, a destroy) in one provider process, in its own order: checks
 * and diffs one at a time, then creates and updates, then deletes (a rename without an alias is a
 * create of the new resource and, at the end, a delete of the old; a replace creates the new
 * before it deletes the old). So one process can see that a declaration moved between resources,
 * and must never let the old resource's release undo what the new one just applied.
 */
import { resourceNameOf } from "../engine/urn";

/** What removing a UserApiAccess does to its user's API access (recorded for a release). */
export type OnDeletePolicy = "restore" | "disable" | "retain";

/** A resource of this deployment, as messages name it. */
export interface ResourceRef {
  /** The URN the SDK passed as `__urn`, when known. */
  urn?: string;
  /** The resource's name in the program (the URN's last part). */
  name: string;
}

export function resourceRef(urn: string | undefined, fallbackName: string): ResourceRef {
  const name = resourceNameOf(urn) ?? fallbackName;
  return urn === undefined ? { name } : { urn, name };
}

/** What the resource that now manages a user recorded for it when it took it over. */
export interface TakenOver {
  name: string;
  initialApiEnabled: boolean;
  /** Absent when that resource does not manage the allowlist. */
  initialAllowedIps?: string[];
  onDelete: OnDeletePolicy;
}

/**
 * A resource that adopted or updated a user in this deployment, with what it recorded as the
 * user's value before this stack: a release compares its own record with it.
 */
export type Manager = ResourceRef & TakenOver;

interface Release {
  /** The resource being replaced that will release the user at the end of the deployment. */
  from: ResourceRef;
  /** The value the user had before any resource of this stack adopted it. */
  initialApiEnabled: boolean;
  /** Likewise for the allowlist, when that resource managed it. */
  initialAllowedIps?: string[];
}

/** What an ApiAccessPolicy allows, as its check resolved it (lower-case user ids). */
export interface PolicyDeclaration {
  by: ResourceRef;
  allowed: ReadonlySet<string>;
  exempt: ReadonlySet<string>;
}

/**
 * The conflict between a UserApiAccess that grants a user API access and the policy that does
 * not allow that user, if there is one: such a pair would fight on every up.
 */
export function policyConflict(
  policy: PolicyDeclaration | undefined,
  userId: string,
  apiEnabled: boolean,
): PolicyDeclaration | undefined {
  if (policy === undefined || !apiEnabled) return undefined;
  const id = userId.toLowerCase();
  return policy.allowed.has(id) || policy.exempt.has(id) ? undefined : policy;
}

export class DeploymentRecord {
  /** Users adopted or updated in this deployment, by the resource that did it. */
  readonly #managedBy = new Map<string, Manager>();
  /** Users whose current resource is being replaced away from them (seen in diff). */
  readonly #releases = new Map<string, Release>();
  /** Which resource declared each user, as check resolved it: one user, one resource. */
  readonly #declaredBy = new Map<string, ResourceRef>();
  /** What each UserApiAccess check declared, for the policy's conflict check. */
  readonly #declaredAccess = new Map<string, { by: ResourceRef; apiEnabled: boolean }>();
  #policy: PolicyDeclaration | undefined;
  /** Users the ApiAccessPolicy disabled in this deployment (each had API access before). */
  readonly #disabledByPolicy = new Set<string>();

  /** A create or update applied the declaration of `by` to this user (and recorded this). */
  recordManaged(userId: string, by: Manager): void {
    this.#managedBy.set(userId.toLowerCase(), by);
  }

  /** The resource that adopted or updated this user earlier in this deployment, if any. */
  managerOf(userId: string): Manager | undefined {
    return this.#managedBy.get(userId.toLowerCase());
  }

  /** Diff saw a replace: `from` will release `userId` (with the value it recorded at adoption). */
  recordRelease(userId: string, release: Release): void {
    this.#releases.set(userId.toLowerCase(), release);
  }

  /** What the resource that is releasing this user in this deployment found at its adoption. */
  releaseOf(userId: string): Release | undefined {
    return this.#releases.get(userId.toLowerCase());
  }

  /**
   * Check resolved `by` to this user. Returns the other resource that already declared the same
   * user in this deployment, if there is one (a by-id and a by-email declaration, say).
   */
  claimDeclaration(userId: string, by: ResourceRef): ResourceRef | undefined {
    const id = userId.toLowerCase();
    const other = this.#declaredBy.get(id);
    if (other !== undefined && !sameResource(other, by)) return other;
    this.#declaredBy.set(id, by);
    return undefined;
  }

  /** A UserApiAccess check declared this user's `apiEnabled` (known values only). */
  recordDeclaredAccess(userId: string, by: ResourceRef, apiEnabled: boolean): void {
    this.#declaredAccess.set(userId.toLowerCase(), { by, apiEnabled });
  }

  /** Every UserApiAccess declaration seen by check in this process. */
  declaredAccess(): { userId: string; by: ResourceRef; apiEnabled: boolean }[] {
    return [...this.#declaredAccess].map(([userId, d]) => ({ userId, ...d }));
  }

  /** The ApiAccessPolicy check of this deployment recorded what it allows. */
  recordPolicy(policy: PolicyDeclaration): void {
    this.#policy = policy;
  }

  policy(): PolicyDeclaration | undefined {
    return this.#policy;
  }

  /** The policy turned this user's API access off (it was on) in this deployment. */
  recordDisabledByPolicy(userId: string): void {
    this.#disabledByPolicy.add(userId.toLowerCase());
  }

  /**
   * Whether the policy turned this user off earlier in this deployment: a UserApiAccess adopting
   * it now finds off what was on before Pulumi.
   */
  disabledByPolicy(userId: string): boolean {
    return this.#disabledByPolicy.has(userId.toLowerCase());
  }
}

/**
 * Whether `ref` is the resource with this URN. Without a URN (state written before URNs were
 * kept) it cannot be, which errs on the side of not writing.
 */
export function isSameResource(ref: ResourceRef, urn: string | undefined): boolean {
  return urn !== undefined && ref.urn === urn;
}

function sameResource(a: ResourceRef, b: ResourceRef): boolean {
  return a.urn !== undefined && b.urn !== undefined ? a.urn === b.urn : a.name === b.name;
}

/** The record of this provider process: one engine pass. */
export const deployment = new DeploymentRecord();
