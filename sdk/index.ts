export { UserApiAccess, type UserApiAccessArgs, type OnDeletePolicy } from "./user-api-access";
