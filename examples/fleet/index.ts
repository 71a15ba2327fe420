/**
 * Many users from one JSON list in stack config, each entry with a `name` of your choosing:
 *
 *   pulumi config set --path 'users[0].name' ci-bot
 *   pulumi config set --path 'users[0].email' ci@example.com
 *   pulumi config set --path 'users[0].apiEnabled' true
 *   pulumi config set --path 'users[1].name' alice
 *   pulumi config set --path 'users[1].userId' cb676a46-66fd-4dfb-b839-443f2e6c0b60
 *   pulumi config set --path 'users[1].apiEnabled' false
 *
 * or `pulumi config set users '[{"name":"ci-bot","email":"ci@example.com","apiEnabled":true}]'`.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess, type OnDeletePolicy } from "pulumi-vultr-user-access";

interface FleetEntry {
  /** The resource's name: a stable key you choose, never derived from how the user is addressed. */
  name: string;
  email?: string;
  userId?: string;
  apiEnabled: boolean;
  onDelete?: OnDeletePolicy;
}

const users = new pulumi.Config().requireObject<FleetEntry[]>("users");

const access = users.map((entry, index) => {
  // The name is the resource's identity in the state. Derived from the email or the id, switching
  // an entry from one to the other would rename the resource: Pulumi would adopt the user under
  // the new name and release it under the old one. Derived from list positions, removing an entry
  // would shift every later one. So each entry names itself.
  if (typeof entry.name !== "string" || entry.name.trim() === "") {
    throw new Error(`users[${index}].name is required: a stable key for this entry, e.g. "ci-bot"`);
  }
  return new UserApiAccess(entry.name, {
    ...(entry.email === undefined ? {} : { email: entry.email }),
    ...(entry.userId === undefined ? {} : { userId: entry.userId }),
    apiEnabled: entry.apiEnabled,
    ...(entry.onDelete === undefined ? {} : { onDelete: entry.onDelete }),
  });
});

export const withApiAccess = pulumi
  .all(access.map((a) => pulumi.all([a.email, a.apiEnabled])))
  .apply((rows) => rows.filter(([, enabled]) => enabled).map(([email]) => email));
