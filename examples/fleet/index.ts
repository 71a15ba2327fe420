/**
 * Many users from one JSON list in stack config:
 *
 *   pulumi config set --path 'users[0].email' ci@example.com
 *   pulumi config set --path 'users[0].apiEnabled' true
 *   pulumi config set --path 'users[1].userId' cb676a46-66fd-4dfb-b839-443f2e6c0b60
 *   pulumi config set --path 'users[1].apiEnabled' false
 *
 * or `pulumi config set users '[{"email":"ci@example.com","apiEnabled":true}]'`.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess, type OnDeletePolicy } from "pulumi-vultr-user-access";

interface FleetEntry {
  email?: string;
  userId?: string;
  apiEnabled: boolean;
  onDelete?: OnDeletePolicy;
}

const users = new pulumi.Config().requireObject<FleetEntry[]>("users");

const access = users.map((entry) => {
  const key = entry.email ?? entry.userId ?? "";
  // Resource names must be stable: derive them from the user, never from list positions.
  const name = key.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return new UserApiAccess(name, {
    ...(entry.email === undefined ? {} : { email: entry.email }),
    ...(entry.userId === undefined ? {} : { userId: entry.userId }),
    apiEnabled: entry.apiEnabled,
    ...(entry.onDelete === undefined ? {} : { onDelete: entry.onDelete }),
  });
});

export const withApiAccess = pulumi
  .all(access.map((a) => pulumi.all([a.email, a.apiEnabled])))
  .apply((rows) => rows.filter(([, enabled]) => enabled).map(([email]) => email));
