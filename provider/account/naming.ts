/**
 * How users are named and compared, the same way for every resource: in messages, and by email.
 */

/** "alice@example.com (cb676a46-…)": how a user is named in every message. */
export function describeUser(user: { id?: string; userId?: string; email?: string }): string {
  const id = user.id ?? user.userId;
  if (user.email && id) return `${user.email} (${id})`;
  return user.email ?? id ?? "unknown user";
}

/** Emails are compared without regard to case or surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function usersCount(total: number): string {
  return `${total} user${total === 1 ? "" : "s"}`;
}
