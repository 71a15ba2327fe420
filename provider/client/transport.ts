/**
 * The one module that touches the network: node-fetch v2 (CommonJS, so it loads under Jest and
 * inside Pulumi's provider host) over keep-alive agents.
 */
import http from "node:http";
import https from "node:https";
import fetch from "node-fetch";
import { VultrNetworkError, VultrTimeoutError } from "./errors";

export interface RawRequest {
  method: "GET" | "PATCH";
  url: string;
  apiKey: string;
  body?: unknown;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  /** The whole body as text; read under the same timeout as the request. */
  text: string;
}

// One pair of agents per process: connections are reused across requests and resources.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Sends one request and reads the whole answer. Throws VultrTimeoutError when headers or body
 * do not arrive within `timeoutMs`, VultrNetworkError when the connection fails; any HTTP
 * status is a normal return.
 */
export async function send(request: RawRequest, label: string): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${request.apiKey}`,
      Accept: "application/json",
      "User-Agent": "pulumi-vultr-user-access",
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      agent: (parsed: URL) => (parsed.protocol === "http:" ? agents.http : agents.https),
      // node-fetch v2 types expect its own AbortSignal; Node's global one is compatible.
      signal: controller.signal as never,
      redirect: "error",
      compress: true,
    });
    const text = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new VultrTimeoutError(
        `${label}: no complete answer from Vultr within ${request.timeoutMs} ms`,
      );
    }
    throw new VultrNetworkError(
      `${label}: the connection to Vultr failed (${describeCause(error)})`,
    );
  } finally {
    clearTimeout(timer);
  }
}
