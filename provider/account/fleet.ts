/**
 * How many resources the program declared (the SDK's `__fleetSize`). Check and diff see it in
 * the inputs; refresh and destroy run no check, so it is also kept in the stored outputs, where
 * read and delete find it. What the program declares now wins over what an earlier run stored.
 * Only a hint, for the directory's choice between single reads and reading the whole list.
 */
export const FLEET_SIZE_KEY = "__fleetSize";
const fleet: { declared?: number; stored?: number } = {};

export function noteFleetSize(value: unknown, source: "declared" | "stored"): void {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) {
    fleet[source] = Math.max(fleet[source] ?? 0, value);
  }
}

/** The fleet size noted so far in this process, if any. */
export function fleetSize(): number | undefined {
  return fleet.declared ?? fleet.stored;
}
