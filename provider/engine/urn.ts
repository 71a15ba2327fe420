/**
 * Resource URNs: how the engine names a resource, and so where a message shows. The SDK passes
 * the URN as the hidden input `__urn` (a dynamic provider is told none), and each resource keeps
 * it in its stored outputs under the same key, for read and delete, which receive only those.
 */
export const URN_KEY = "__urn";

/** The URN the SDK passed (`__urn`), when it is one. */
export function urnOf(props: Record<string, unknown>): string | undefined {
  const urn = props[URN_KEY];
  return typeof urn === "string" && urn.startsWith("urn:pulumi:") ? urn : undefined;
}

/**
 * The name part of a URN: `urn:pulumi:stack::project::type::name` → `name` (a name may itself
 * contain "::").
 */
export function resourceNameOf(urn: string | undefined): string | undefined {
  const parts = urn?.split("::") ?? [];
  return parts.length < 4 ? undefined : parts.slice(3).join("::");
}
