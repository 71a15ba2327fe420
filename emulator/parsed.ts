/** Request input checked: the value, or the reason a 400 gives. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
