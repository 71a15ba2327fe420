/**
 * The provider implementation, loaded by the thin shim that the SDK serializes into state
 * (`require("pulumi-vultr-user-access/provider")`): `handlers`, `policyHandlers` and `keyHandlers` are what
 * that shim calls, in every stack ever deployed.
 */
export { handlers, policyHandlers, keyHandlers } from "./dynamic";
export * from "./user-api-access/types";
export * from "./client";
export { UserDirectory } from "./account/directory";
export { resolveSettings, DEFAULT_MAX_RPS, type ProviderSettings } from "./engine/settings";
export { validateInputs } from "./user-api-access/validate";
export { decideDiff, deleteTarget, outputsFor, patchNeeded } from "./user-api-access/plan";
export { isVultrUserId } from "./values/user-id";
export { logToEngine, flushEngineLog } from "./engine/engine-log";
export { userApiAccess } from "./user-api-access";
export { apiAccessPolicy } from "./api-access-policy";
export type * from "./engine/outcomes";
export { userApiKey, planKey, validateKeyInputs } from "./user-api-key";
