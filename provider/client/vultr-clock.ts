/**
 * "Now" as Vultr's clock says, from the `Date` header of an answer: a key's expiry is Vultr's
 * to judge, so a runner whose clock is wrong must neither rotate early nor late.
 */

/** Where `now` came from; `"local"` says why Vultr's clock could not be read. */
export type VultrClock =
  { source: "vultr"; now: Date } | { source: "local"; now: Date; problem: string };

/**
 * The `Date` header as a clock. Every HTTP server must send one (RFC 9110 §6.6.1), but a proxy
 * may strip or mangle it: then this machine's clock stands in, and `problem` says so, for the
 * caller to show (a wrong local clock moves rotations by as much as it is off).
 */
export function vultrClock(header: string | null | undefined, localNow: number): VultrClock {
  const text = header?.trim() ?? "";
  const local = (problem: string): VultrClock => ({
    source: "local",
    now: new Date(localNow),
    problem: `${problem}, so this machine's clock (${new Date(localNow).toISOString()}) stands in for Vultr's`,
  });
  if (text === "") return local("Vultr's answer had no Date header");
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return local(`Vultr's answer had a Date header that is not a date (${JSON.stringify(shown)})`);
  }
  return { source: "vultr", now: new Date(at) };
}
