/**
 * What a scenario is measured by: the emulator's view of the requests, and the provider
 * process's peak memory as the kernel keeps it.
 */
import { readFile } from "node:fs/promises";
import type { RequestLogEntry, RunningEmulator } from "../emulator";

export interface RequestTally {
  total: number;
  /** GET /users (list pages). */
  lists: number;
  /** GET /users/:id. */
  gets: number;
  /** PATCH /users/:id, answered or not. */
  patches: number;
  /** PATCHes that Vultr accepted (204). */
  patchesApplied: number;
  /** 429s answered by the rate limiter. */
  rateLimited: number;
  /** Accepted PATCHes per second, between the first and the last; undefined below 2 PATCHes. */
  patchesPerSecond: number | undefined;
  /** Requests by route ("GET /users/:id/ip-whitelist" …), 429s included. */
  byRoute: Record<string, number>;
}

export function tallyRequests(emulator: RunningEmulator): RequestTally {
  const counters = emulator.counters();
  const route = (name: string): number => counters.byRoute[name] ?? 0;
  return {
    total: counters.total,
    lists: route("GET /users"),
    gets: route("GET /users/:id"),
    patches: route("PATCH /users/:id"),
    patchesApplied: counters.patches,
    rateLimited: counters.rateLimited,
    patchesPerSecond: patchThroughput(emulator.requestLog()),
    byRoute: { ...counters.byRoute },
  };
}

/** Requests that only read: every GET, whatever its route. */
export function getsOf(requests: RequestTally): number {
  return sumRoutes(requests, (route) => route.startsWith("GET "));
}

/** Requests that write: PATCH, POST and DELETE. */
export function writesOf(requests: RequestTally): number {
  return sumRoutes(requests, (route) => /^(PATCH|POST|DELETE) /.test(route));
}

function sumRoutes(requests: RequestTally, include: (route: string) => boolean): number {
  return Object.entries(requests.byRoute)
    .filter(([route]) => include(route))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** (n − 1) PATCH intervals over the time from the first accepted PATCH's arrival to the last's. */
export function patchThroughput(log: readonly RequestLogEntry[]): number | undefined {
  const arrivals = log
    .filter((entry) => entry.route === "PATCH /users/:id" && entry.status === 204)
    .map((entry) => entry.at);
  const first = arrivals[0];
  const last = arrivals[arrivals.length - 1];
  if (arrivals.length < 2 || first === undefined || last === undefined || last === first) {
    return undefined;
  }
  return ((arrivals.length - 1) * 1000) / (last - first);
}

/**
 * The process's peak resident set size (VmHWM) in bytes, from /proc; undefined where there is
 * no /proc (not Linux) or the process is gone.
 */
export async function peakRssBytes(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}
