import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { errorBody, sendJson, sendText } from "./http-exchange";
import type { FaultKind, FaultSpec } from "./types";

/** Every kind but `delay`, which only postpones the normal answer. */
export type AnsweringFault = FaultSpec & { kind: Exclude<FaultKind, "delay"> };

/** What a proxy or a captive portal in front of an API sends: HTML, not JSON. */
const HTML_PAGE =
  "<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>" +
  "<body><h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n";

/** Half of a plausible answer is sent; the declared length promises all of it. */
const TRUNCATED_JSON = JSON.stringify({
  users: [
    {
      id: "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
      name: "Example User",
      email: "user@example.com",
      api_enabled: true,
      acls: ["manage_users", "subscriptions_view", "billing"],
      service_user: false,
    },
  ],
  meta: { total: 1, links: { next: "", prev: "" } },
});

/** Answers with a fault; returns the status sent, 0 when nothing is. */
export function answerWithFault(
  fault: AnsweringFault,
  request: IncomingMessage,
  response: ServerResponse,
): number {
  const headers = fault.headers ?? {};
  switch (fault.kind) {
    case "hang":
      // Nothing is ever sent; the socket stays open until the client gives up or close().
      return 0;
    case "reset":
      // A TCP RST, as from a load balancer dropping the connection: the client sees ECONNRESET.
      request.socket.resetAndDestroy();
      return 0;
    case "non-json": {
      const status = fault.status ?? 200;
      sendText(response, status, HTML_PAGE, {
        "content-type": "text/html; charset=utf-8",
        ...headers,
      });
      return status;
    }
    case "truncated": {
      const half = Buffer.from(TRUNCATED_JSON.slice(0, TRUNCATED_JSON.length / 2), "utf8");
      response.writeHead(200, {
        "content-type": "application/json",
        ...headers,
        "content-length": Buffer.byteLength(TRUNCATED_JSON),
      });
      response.write(half, () => request.socket.destroy());
      return 200;
    }
    case "status": {
      const status = fault.status ?? 500;
      if (typeof fault.body === "string") {
        sendText(response, status, fault.body, { "content-type": "application/json", ...headers });
      } else {
        sendJson(
          response,
          status,
          fault.body ?? errorBody(status, STATUS_CODES[status] ?? "Error"),
          headers,
        );
      }
      return status;
    }
  }
}
