import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { isLoopbackAddress } from "./address-policy";
import { handleApiRequest } from "./api-handler";
import { handleControlRequest } from "./control-routes";
import type { EmulatorState } from "./emulator-state";
import { errorBody, sendJson, splitTarget, stampDate } from "./http-exchange";

export const API_PREFIX = "/v2";
export const CONTROL_PREFIX = "/_emulator";

export interface EmulatorServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the API and the control plane of one emulator state on host:port. */
export async function listen(
  state: EmulatorState,
  host: string,
  port: number,
): Promise<EmulatorServer> {
  const sockets = new Set<Socket>();
  // Latency and delay waits end when the emulator closes, so close() never waits for them.
  const lifetime = new AbortController();
  const wait = async (ms: number): Promise<void> => {
    if (ms > 0) await delay(ms, undefined, { signal: lifetime.signal });
  };

  const server = createServer((request, response) => {
    void dispatch(request, response, state, wait).catch((error: unknown) => {
      if (lifetime.signal.aborted) return;
      // A bug must not take the emulator down, nor leave the client waiting.
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 500, errorBody(500, `Emulator error: ${message}`));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => {
    // Unparseable HTTP: answer like any server would, and drop the connection.
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port: boundPort(server),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

async function dispatch(
  request: IncomingMessage,
  response: ServerResponse,
  state: EmulatorState,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  // A client hanging up mid-answer must not become an unhandled 'error' event.
  response.on("error", () => undefined);
  request.on("error", () => undefined);
  // Every answer carries the emulator's time; the API restamps it when it answers after latency.
  stampDate(response, state.clock.now());
  const { path, query } = splitTarget(request.url ?? "/");
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) {
    return handleApiRequest(
      { request, response, path: path.slice(API_PREFIX.length), query },
      state,
      wait,
    );
  }
  if (path.startsWith(`${CONTROL_PREFIX}/`)) {
    // The control plane has no authentication: whatever host the emulator listens on, it
    // answers this machine's loopback only (the API itself answers anyone who can reach it).
    const peer = request.socket.remoteAddress;
    if (!isLoopbackAddress(peer)) {
      request.resume();
      return sendJson(
        response,
        403,
        errorBody(
          403,
          `The emulator's control plane answers loopback clients only; ${peer ?? "this client"} is not a loopback address.`,
        ),
      );
    }
    return handleControlRequest(request, response, path.slice(CONTROL_PREFIX.length), state);
  }
  request.resume();
  sendJson(response, 404, errorBody(404, "Not found."));
}

function boundPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("The emulator is not listening on a TCP port.");
  }
  return address.port;
}
