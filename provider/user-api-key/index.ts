export { userApiKey } from "./handlers";
export { planKey, type KeyPlan, type KeyAction } from "./plan";
export { validateKeyInputs } from "./validate";
export type { DeclaredKey, KeyOutputs } from "./types";
