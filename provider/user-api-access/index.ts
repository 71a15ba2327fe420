/** UserApiAccess: whether one Vultr user may use the API, and from where. */
export { userApiAccess } from "./handlers";
export { validateInputs } from "./validate";
export { decideDiff, deleteTarget, outputsFor, patchNeeded } from "./plan";
export * from "./types";
