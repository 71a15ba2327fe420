/**
 * What an ApiAccessPolicy keeps in state: its outputs, and the URN (`__urn`) that read and delete
 * need to say things on the resource (they receive only the stored outputs).
 */
import { URN_KEY, urnOf } from "../engine/urn";
import { POLICY_DEFAULTS, type PolicyOutputs, type PolicyUser } from "./types";

export interface StoredPolicy {
  outs: PolicyOutputs;
  urn?: string;
}

/** State written by an older provider, or by a failed first update, may lack a field. */
export function storedPolicy(props: Record<string, unknown>): StoredPolicy {
  const p = props as Partial<Record<keyof PolicyOutputs, unknown>>;
  const outs: PolicyOutputs = {
    violators: users(p.violators),
    disabled: users(p.disabled),
    skippedAdmins: users(p.skippedAdmins),
    allowedUserIds: strings(p.allowedUserIds),
    exemptUserIds: strings(p.exemptUserIds),
    enforce: typeof p.enforce === "boolean" ? p.enforce : POLICY_DEFAULTS.enforce,
    maxDisabled: typeof p.maxDisabled === "number" ? p.maxDisabled : POLICY_DEFAULTS.maxDisabled,
    includeAdmins:
      typeof p.includeAdmins === "boolean" ? p.includeAdmins : POLICY_DEFAULTS.includeAdmins,
  };
  const urn = urnOf(props);
  return urn === undefined ? { outs } : { outs, urn };
}

export function policyStateToStore(
  outs: PolicyOutputs,
  urn: string | undefined,
): Record<string, unknown> {
  return urn === undefined ? { ...outs } : { ...outs, [URN_KEY]: urn };
}

function users(value: unknown): PolicyUser[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const u = item as Partial<PolicyUser> | null;
    return typeof u?.userId === "string"
      ? [{ userId: u.userId, email: String(u.email ?? "") }]
      : [];
  });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
