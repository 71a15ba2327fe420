/** Reading `pulumi stack export` output: the parts of the checkpoint format the tests look at. */

export const ACCESS_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface StackState {
  resources: StateResource[];
  /** Operations the engine began and never finished (a crash or an interrupted update). */
  pendingOperations: unknown[];
}

/** Parses an export, failing loudly if it is not a deployment at all. */
export function stackState(exported: unknown): StackState {
  const deployment = (exported as { deployment?: unknown } | null)?.deployment as
    { resources?: unknown; pending_operations?: unknown } | undefined;
  if (deployment === undefined || deployment === null) {
    throw new Error(`not a stack export: ${JSON.stringify(exported).slice(0, 200)}`);
  }
  const resources = deployment.resources ?? [];
  const pending = deployment.pending_operations ?? [];
  if (!Array.isArray(resources) || !Array.isArray(pending)) {
    throw new Error("the export's resources or pending_operations is not a list");
  }
  return { resources: resources as StateResource[], pendingOperations: pending };
}

/** The UserApiAccess resources, by resource name (the last part of the URN). */
export function accessResources(state: StackState): Map<string, StateResource> {
  const byName = new Map<string, StateResource>();
  for (const resource of state.resources) {
    if (resource.type === ACCESS_TYPE) byName.set(resource.urn.split("::").at(-1) ?? "", resource);
  }
  return byName;
}

/** The outputs Pulumi holds for one UserApiAccess resource; throws if it is not in the state. */
export function outputsOf(state: StackState, name: string): Record<string, unknown> {
  const resource = accessResources(state).get(name);
  if (resource === undefined) throw new Error(`UserApiAccess "${name}" is not in the state`);
  return resource.outputs ?? {};
}
