import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { httpDate } from "./clock";

/** Vultr's gateway refuses bodies above this; the emulator answers 413. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

export type RequestBody =
  | { kind: "complete"; text: string }
  | { kind: "too-large" }
  /** The client went away before sending all of it. */
  | { kind: "aborted" };

/**
 * Reads the whole body. Past the limit it keeps reading and discarding, so the answer can still
 * be sent on a connection the client is writing to and the connection stays usable (keep-alive).
 */
export function readRequestBody(
  request: IncomingMessage,
  limitBytes: number,
): Promise<RequestBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limitBytes) chunks.push(chunk);
    });
    request.on("end", () => {
      resolve(
        bytes > limitBytes
          ? { kind: "too-large" }
          : { kind: "complete", text: Buffer.concat(chunks).toString("utf8") },
      );
    });
    request.on("error", () => resolve({ kind: "aborted" }));
    request.on("close", () => {
      if (!request.complete) resolve({ kind: "aborted" });
    });
  });
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseJson(text: string): JsonParse {
  if (text.trim() === "") return { ok: false, reason: "Request body is empty; expected JSON." };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : "";
    return { ok: false, reason: `Request body is not valid JSON${detail}.` };
  }
}

/** The path (raw, not normalised: `../` must reach the router as sent) and the query. */
export function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf("?");
  return mark === -1
    ? { path: target, query: "" }
    : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/**
 * The `Date` header from the emulator's clock (Node would send the machine's): clients judge key
 * expiry by it. Headers given with an answer (a fault's) still override it.
 */
export function stampDate(response: ServerResponse, now: number): void {
  if (!response.headersSent) response.setHeader("date", httpDate(now));
}

/** The client may have hung up meanwhile; an answer to nobody is dropped. */
function writable(response: ServerResponse): boolean {
  return !response.destroyed && !response.writableEnded && !response.headersSent;
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders,
): void {
  if (!writable(response)) return;
  const body = Buffer.from(text, "utf8");
  response.writeHead(status, { ...headers, "content-length": body.length });
  response.end(body);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  sendText(response, status, JSON.stringify(value), {
    "content-type": "application/json",
    ...headers,
  });
}

/** 204: no body, so no content type either. */
export function sendEmpty(response: ServerResponse, status: number): void {
  if (!writable(response)) return;
  response.writeHead(status);
  response.end();
}

/** The error shape of every Vultr 4xx and of the emulator's own 5xx. */
export function errorBody(status: number, message: string): { error: string; status: number } {
  return { error: message, status };
}
