export { UserApiAccess, type UserApiAccessArgs, type OnDeletePolicy } from "./user-api-access";
export { ApiAccessPolicy, type ApiAccessPolicyArgs, type PolicyUser } from "./api-access-policy";
export { UserApiKey, type UserApiKeyArgs } from "./user-api-key";
