/** ApiAccessPolicy: only the listed users may use the Vultr API. */
export { apiAccessPolicy } from "./handlers";
export { validatePolicyInputs } from "./validate";
export { planPolicy, changesPlanned, capFailure } from "./plan";
export type { DeclaredPolicy, PolicyOutputs, PolicyUser } from "./types";
