/**
 * Keeps the provider process small at fleet scale. At k = 10,000 the host's own per-call garbage
 * (gRPC messages, protobuf structs) is left for V8 to collect lazily: the heap climbed to
 * ~120 MB of mostly garbage and the process past 220 MB RSS, though live data stays near 50 MB
 * (bench/results/k10000.md). A full collection when the heap has grown well past what it held
 * after the last one keeps the peak down, at a few milliseconds per collection.
 *
 * `gc` is not exposed by default; the flag can be set at run time and the function taken from a
 * fresh context. Where that fails, nothing happens.
 */
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | null | undefined;
let baseline = 0;

function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      collect = vm.runInNewContext("gc") as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Growth of the heap over the last collection's result that triggers the next one. */
const GROWTH_BYTES = 24 * 1024 * 1024;

/** Called after each handler: collects when the heap has grown by GROWTH_BYTES. */
export function relieveMemory(): void {
  const used = process.memoryUsage().heapUsed;
  if (used - baseline < GROWTH_BYTES) return;
  const gc = collector();
  if (gc === null) return;
  gc();
  baseline = process.memoryUsage().heapUsed;
}
