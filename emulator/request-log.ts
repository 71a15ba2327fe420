import type { Counters, RequestLogEntry } from "./types";

/** What the API handler reports about one request as it goes. */
export interface LoggedRequest {
  recordBody(body: unknown): void;
  recordFault(kind: string): void;
  /** The answer went out (status 0: none ever will). */
  answered(status: number, outcome?: { rateLimited?: boolean; patchApplied?: boolean }): void;
}

/** The `/v2` requests in arrival order, and counters over them. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private tally = emptyCounters();
  /** Bumped by `clear`, so requests still in flight then do not count into the new tally. */
  private generation = 0;

  begin(request: Omit<RequestLogEntry, "status">): LoggedRequest {
    const { method, path, query, route, at } = request;
    const entry: RequestLogEntry = { method, path, query, route, status: 0, at };
    const generation = this.generation;
    const current = (): boolean => generation === this.generation;
    this.entries.push(entry);
    this.tally.total += 1;
    increment(this.tally.byRoute, entry.route);
    return {
      recordBody: (body) => {
        entry.body = withoutSecrets(body);
      },
      recordFault: (kind) => {
        entry.fault = kind;
      },
      answered: (status, outcome = {}) => {
        entry.status = status;
        if (!current()) return;
        increment(this.tally.byStatus, String(status));
        if (outcome.rateLimited === true) this.tally.rateLimited += 1;
        if (outcome.patchApplied === true) this.tally.patches += 1;
      },
    };
  }

  list(): RequestLogEntry[] {
    return structuredClone(this.entries);
  }

  counters(): Counters {
    return structuredClone(this.tally);
  }

  clear(): void {
    this.entries = [];
    this.tally = emptyCounters();
    this.generation += 1;
  }
}

function emptyCounters(): Counters {
  return { total: 0, byRoute: {}, byStatus: {}, rateLimited: 0, patches: 0 };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

const SECRET_FIELDS = ["password", "api_key"] as const;

/** The log is shown in test failures and demos: passwords and keys sent stay out. */
function withoutSecrets(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const secrets = SECRET_FIELDS.filter((field) => field in body);
  if (secrets.length === 0) return body;
  return { ...body, ...Object.fromEntries(secrets.map((field) => [field, "<redacted>"])) };
}
