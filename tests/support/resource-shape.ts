/** What the engine and the SDK see of a UserApiAccess: its type token and its outputs. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

/** Every output a UserApiAccess has, besides the `__provider` the host adds. */
export const OUTPUT_KEYS = [
  "userId",
  "email",
  "name",
  "apiEnabled",
  "acls",
  "initialApiEnabled",
  "onDelete",
] as const;
