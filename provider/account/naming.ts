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

// Pragmatic shape check: Vultr validates the rest; this catches typos and pasted junk.
const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\]+$/;
export const MAX_EMAIL_LENGTH = 254;

/** Whether `text` has the shape of an email address (at most 254 characters). */
export function isEmailAddress(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL.test(text.trim());
}
