/**
 * What a UserApiAccess keeps in its stored outputs. Besides the outputs users see, three hidden
 * keys: read and delete receive only the stored outputs (never the inputs), yet they need
 *  - `__urn`: the resource's URN, to say things on it (after an alias rename it is the old URN
 *    until the next update writes the new one; messages then name the old resource);
 *  - `__inputs`: the checked inputs as declared, so refresh can hand the engine the inputs as
 *    they were declared (with the live `apiEnabled`) and diff can tell drift from a change;
 *  - `__fleetSize`: the size hint that lets refresh and destroy keep the request budget.
 */
import { FLEET_SIZE_KEY, noteFleetSize } from "../account/fleet";
import { URN_KEY, urnOf } from "../engine/urn";
import type { AccessOutputs } from "./types";

const INPUTS_KEY = "__inputs";

export interface StoredState {
  outs: AccessOutputs;
  urn?: string;
  /** The checked inputs of the last create or update (absent in state written before them). */
  inputs?: Record<string, unknown>;
  fleetSize?: number;
  /** The `apiEnabled` those inputs declared. */
  declaredApiEnabled?: boolean;
  /** The `allowedIps` those inputs declared (canonical texts), when they declared one. */
  declaredAllowedIps?: string[];
}

/** Old state may predate a field; fill what a current provider would have written. */
export function storedState(id: string, props: Record<string, unknown>): StoredState {
  noteFleetSize(props[FLEET_SIZE_KEY], "stored");
  const p = props as Partial<AccessOutputs>;
  const apiEnabled = typeof p.apiEnabled === "boolean" ? p.apiEnabled : false;
  const outs: AccessOutputs = {
    userId: typeof p.userId === "string" && p.userId !== "" ? p.userId : id,
    email: typeof p.email === "string" ? p.email : "",
    name: typeof p.name === "string" ? p.name : "",
    apiEnabled,
    acls: Array.isArray(p.acls) ? p.acls : [],
    initialApiEnabled: typeof p.initialApiEnabled === "boolean" ? p.initialApiEnabled : apiEnabled,
    onDelete: p.onDelete ?? "restore",
    ...(isTextList(p.allowedIps) ? { allowedIps: p.allowedIps } : {}),
    ...(isTextList(p.initialAllowedIps) ? { initialAllowedIps: p.initialAllowedIps } : {}),
  };
  const state: StoredState = { outs };
  const urn = urnOf(props);
  if (urn !== undefined) state.urn = urn;
  const inputs = props[INPUTS_KEY];
  if (typeof inputs === "object" && inputs !== null && !Array.isArray(inputs)) {
    state.inputs = inputs as Record<string, unknown>;
    const declared = state.inputs.apiEnabled;
    if (typeof declared === "boolean") state.declaredApiEnabled = declared;
    const declaredList = state.inputs.allowedIps;
    if (isTextList(declaredList)) state.declaredAllowedIps = declaredList;
  }
  const fleetSize = props[FLEET_SIZE_KEY];
  if (typeof fleetSize === "number") state.fleetSize = fleetSize;
  return state;
}

/**
 * State written before the URN and the declaration were stored (the 0.1 release): read and
 * delete, which get only the stored outputs, cannot then say things on the resource or hand
 * refresh the declaration back. The engine tells them neither (the dynamic-provider host drops
 * the request's urn and old inputs), so the first up after the upgrade updates the resource to
 * record them: the note says so. Undefined when nothing is missing or the URN is not known.
 */
export function stateUpgrade(stored: StoredState, urn: string | undefined): string | undefined {
  if (urn === undefined || (stored.urn !== undefined && stored.inputs !== undefined)) {
    return undefined;
  }
  return (
    "state written by an earlier release of pulumi-vultr-user-access: up will record this " +
    "resource's URN and declaration (nothing changes in Vultr), so that refresh shows drift as a " +
    "property change and destroy reports on this resource"
  );
}

/** The outputs to store, with the hidden keys that are known. */
export function stateToStore(
  outs: AccessOutputs,
  hidden: {
    urn?: string | undefined;
    inputs?: Record<string, unknown> | undefined;
    fleetSize?: number | undefined;
  },
): Record<string, unknown> {
  return {
    ...outs,
    ...(hidden.urn === undefined ? {} : { [URN_KEY]: hidden.urn }),
    ...(hidden.inputs === undefined ? {} : { [INPUTS_KEY]: hidden.inputs }),
    ...(hidden.fleetSize === undefined ? {} : { [FLEET_SIZE_KEY]: hidden.fleetSize }),
  };
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
