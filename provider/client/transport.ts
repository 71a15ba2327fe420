/**
 * The one module that touches the network: node-fetch v2 (CommonJS, so it loads under Jest and
 * inside Pulumi's provider host) over keep-alive agents.
 */
import http from "node:http";
import https from "node:https";
import fetch from "node-fetch";
import { VultrNetworkError, VultrTimeoutError } from "./errors";

export type HttpMethod = "GET" | "PATCH" | "POST" | "DELETE";

export interface RawRequest {
  method: HttpMethod;
  url: string;
  apiKey: string;
  body?: unknown;
  timeoutMs: number;
  /**
   * What ended the wait, when it was not the request timeout `timeoutMs` (a deadline over all
   * attempts that left this one less time): "the request's 45000 ms deadline … ran out …".
   */
  timeoutText?: string;
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

/** The part of Node's Agent that ClientRequest calls; public in Node, absent from its types. */
interface RequestAdding {
  addRequest(request: http.ClientRequest, options: unknown): void;
}

/**
 * node-fetch v2 pipes the response into the body stream without forwarding the response's
 * errors, so an answer cut off before its Content-Length (a proxy or a load balancer dropping
 * the connection) never ends: the caller would wait for the whole timeout, 30 s by default.
 * This view of a shared agent watches the one request it carries and reports such an answer at
 * once; pooling stays with the shared agent.
 */
function watchingAgent(shared: http.Agent, onCutOff: () => void): http.Agent {
  const pool = shared as http.Agent & RequestAdding;
  const view = Object.create(pool) as http.Agent & RequestAdding;
  view.addRequest = (request, options) => {
    request.once("response", (response: http.IncomingMessage) => {
      response.once("close", () => {
        if (!response.complete) onCutOff();
      });
    });
    pool.addRequest(request, options);
  };
  return view;
}

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
  // Why the request was aborted: the first cause wins.
  let abortedFor: "timeout" | "cut off" | undefined;
  const abort = (cause: "timeout" | "cut off") => {
    abortedFor ??= cause;
    controller.abort();
  };
  const timer = setTimeout(() => abort("timeout"), request.timeoutMs);
  try {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${request.apiKey}`,
      Accept: "application/json",
      "User-Agent": "pulumi-vultr-user-access",
    };
    let body: string | undefined;
    // node-fetch sends a body with any method but GET/HEAD, DELETE included.
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      agent: (parsed: URL) =>
        watchingAgent(parsed.protocol === "http:" ? agents.http : agents.https, () =>
          abort("cut off"),
        ),
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
    if (abortedFor === "cut off") {
      throw new VultrNetworkError(
        `${label}: the connection to Vultr closed before the whole answer arrived`,
      );
    }
    if (abortedFor === "timeout") {
      throw new VultrTimeoutError(
        request.timeoutText === undefined
          ? `${label}: no complete answer from Vultr within ${request.timeoutMs} ms (the request timeout)`
          : `${label}: no complete answer from Vultr: ${request.timeoutText}`,
      );
    }
    throw new VultrNetworkError(
      `${label}: the connection to Vultr failed (${describeCause(error)})`,
    );
  } finally {
    clearTimeout(timer);
  }
}
