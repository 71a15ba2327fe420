/**
 * Messages on their resource: the engine's `Log` RPC, called from inside the dynamic-provider host,
 * so that a message shows on its resource's row and under `<type> (<name>):` in Diagnostics
 * instead of under the stack, where the host's stdout lands.
 *
 * NOT A DOCUMENTED API. Two undocumented facts carry this file, measured with CLI 3.274.1 and
 * @pulumi/pulumi 3.248.0 (PULUMI_NOTES.md, "Messages on a resource"):
 * - the engine starts the host with its gRPC address as the LAST argument (`--logflow`, `-v` and
 *   `--tracing` go before it);
 * - `EngineClient` (proto/engine_grpc_pb) and `LogRequest` (proto/engine_pb) are generated stubs
 *   inside @pulumi/pulumi, the same ones its own `log` module uses.
 * Everything that relies on them stays in this file and is loaded at the first message, so that a
 * moved module, a different argument or an engine without the RPC costs only the placement: the
 * message goes to stdout instead, and no step fails because of logging.
 *
 * Callers scrub: messages are sent as given (the `scrub` option of `createEngineLog` is a hook for
 * those who want it applied here). The API key must never reach this module.
 */
import { createRequire } from "node:module";
import type * as grpcJs from "@grpc/grpc-js";
import type * as engineGrpcPb from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import { resourceNameOf } from "./urn";

export type LogSeverity = "info" | "warning";

export interface EngineLogOptions {
  /** The engine's gRPC address, host:port. Anything else sends every message to the fallback. */
  address: string | undefined;
  /**
   * Deadline of one Log call. A call on loopback takes 1–2 ms (measured against a fake engine);
   * this bounds what an engine that accepts connections but never answers can cost a step.
   * @default 2_500
   */
  deadlineMs?: number;
  /** Where a message goes when the engine cannot take it. @default console.log */
  fallback?: (line: string) => void;
  /** Applied to every message before it goes anywhere. @default the message unchanged */
  scrub?: (text: string) => string;
}

export interface EngineLog {
  /** Sends one message, on the resource `urn` when given; falls back to stdout. Never rejects. */
  log(severity: LogSeverity, message: string, urn?: string): Promise<void>;
  /**
   * Waits until every message sent so far — of the resource `urn` when given, of all otherwise —
   * has been delivered or fallen back. Never rejects.
   */
  flush(urn?: string): Promise<void>;
  /** Closes the connection; later messages fall back. */
  close(): void;
}

const DEFAULT_DEADLINE_MS = 2_500;

// host:port, host:port with a bracketed IPv6 host, as the engine prints its listener address.
const ADDRESS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** The engine's address when `argv` ends with one, as the engine starts the provider host. */
export function engineAddressFromArgv(argv: readonly string[]): string | undefined {
  const last = argv.at(-1);
  const port = last === undefined ? undefined : ADDRESS.exec(last)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535 ? last : undefined;
}

interface Connection {
  grpc: typeof grpcJs;
  client: engineGrpcPb.EngineClient;
  proto: typeof enginePb;
}

// "engine gone": this engine will not take a log in this process — no address, no stubs, nothing
// listening, no Log RPC (UNIMPLEMENTED: an old or foreign engine), or no answer to anything for a
// whole deadline. "failed": this one message, e.g. a URN the engine refuses, or a deadline that ran
// out while the engine answered other calls (a burst, not a dead engine).
type Delivery = "delivered" | "failed" | "engine gone";

// Calls in flight at once. grpc-js slows down sharply with many concurrent calls: 1,000 at once
// took 3.5 s against a fake engine on a busy 2-core machine and most ran out of their deadline.
// Queued messages start their deadline when they leave.
const MAX_IN_FLIGHT = 32;

export function createEngineLog(options: EngineLogOptions): EngineLog {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const fallback = options.fallback ?? ((line: string) => console.log(line));
  const scrub = options.scrub ?? ((text: string) => text);
  // Last pending message of each resource ("" for none): a message leaves only after the one
  // before it was answered, because the engine handles concurrent calls in any order.
  const tails = new Map<string, Promise<void>>();
  // undefined: not dialled yet; null: unusable for the rest of this process, so later messages
  // fall back at once instead of paying the deadline again.
  let connection: Connection | null | undefined;
  // Answers of any kind so far: a call that ran out of time while this did not move saw a dead
  // engine, one that saw it move saw a busy one.
  let answers = 0;
  let inFlight = 0;
  const queue: (() => void)[] = [];

  const connect = (): Connection | null => {
    if (connection !== undefined) return connection;
    connection = null;
    if (options.address === undefined || engineAddressFromArgv([options.address]) === undefined) {
      return connection;
    }
    try {
      connection = loadStubs(options.address);
    } catch {
      // A missing or moved stub module: the undocumented part changed under us.
    }
    return connection;
  };

  const forget = (): void => {
    connection?.client.close();
    connection = null;
  };

  const call = (engine: Connection, request: enginePb.LogRequest): Promise<Delivery> => {
    const answersBefore = answers;
    return new Promise<Delivery>((resolve) => {
      engine.client.log(
        request,
        new engine.grpc.Metadata(),
        { deadline: Date.now() + deadlineMs },
        (error) => {
          const { UNAVAILABLE, DEADLINE_EXCEEDED, UNIMPLEMENTED } = engine.grpc.status;
          if (error?.code === UNAVAILABLE) return resolve("engine gone");
          if (error?.code === DEADLINE_EXCEEDED) {
            return resolve(answers === answersBefore ? "engine gone" : "failed");
          }
          answers += 1;
          if (error === null) resolve("delivered");
          else resolve(error.code === UNIMPLEMENTED ? "engine gone" : "failed");
        },
      );
    });
  };

  const send = async (severity: LogSeverity, text: string, urn: string): Promise<Delivery> => {
    // A slot is handed from the call that ends to the first in the queue, so none is taken twice.
    if (inFlight < MAX_IN_FLIGHT) inFlight += 1;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      const engine = connect();
      if (engine === null) return "engine gone";
      const request = new engine.proto.LogRequest();
      const { WARNING, INFO } = engine.proto.LogSeverity;
      request.setSeverity(severity === "warning" ? WARNING : INFO);
      request.setMessage(text);
      request.setUrn(urn);
      request.setEphemeral(false);
      return await call(engine, request);
    } catch {
      return "engine gone";
    } finally {
      const next = queue.shift();
      if (next === undefined) inFlight -= 1;
      else next();
    }
  };

  const deliver = async (severity: LogSeverity, message: string, urn?: string): Promise<void> => {
    const text = scrubbed(scrub, message);
    const outcome = await send(severity, text, urn ?? "");
    if (outcome === "engine gone") forget();
    if (outcome === "delivered") return;
    try {
      fallback(fallbackLine(severity, text, urn));
    } catch {
      // Nowhere left to say it; the step must not fail over a message.
    }
  };

  return {
    log(severity, message, urn) {
      const key = urn ?? "";
      const done = (tails.get(key) ?? Promise.resolve()).then(() =>
        deliver(severity, message, urn),
      );
      tails.set(key, done);
      // Forget drained resources: a fleet of thousands must not leave a promise each behind.
      void done.then(() => {
        if (tails.get(key) === done) tails.delete(key);
      });
      return done;
    },

    async flush(urn) {
      if (urn !== undefined) return tails.get(urn);
      await Promise.all(tails.values());
    },

    close: forget,
  };
}

// The stubs come from @pulumi/pulumi's own copies of grpc-js and google-protobuf: a message built
// with a second copy of google-protobuf fails to serialize with "c.g is not a function".
function loadStubs(address: string): Connection {
  const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = requireFromPulumi("@grpc/grpc-js") as typeof grpcJs;
  const proto = requireFromPulumi("./proto/engine_pb") as typeof enginePb;
  const { EngineClient } = requireFromPulumi("./proto/engine_grpc_pb") as typeof engineGrpcPb;
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  return { grpc, client, proto };
}

function scrubbed(scrub: (text: string) => string, message: string): string {
  try {
    return scrub(message);
  } catch {
    // Never say what could not be scrubbed.
    return "(a message was withheld: scrubbing it failed)";
  }
}

/** What stdout shows when the engine cannot place a message on its resource. */
export function fallbackLine(severity: LogSeverity, text: string, urn?: string): string {
  const name = resourceNameOf(urn);
  return name === undefined ? `${severity}: ${text}` : `${severity} (${name}): ${text}`;
}

let processLog: EngineLog | undefined;

/** This process's engine log: the address is the host's last argument. */
function engineLog(): EngineLog {
  processLog ??= createEngineLog({ address: engineAddressFromArgv(process.argv) });
  return processLog;
}

/**
 * Sends one message to the engine, on the resource `urn` when given; falls back to stdout. Never
 * rejects. Messages of one resource keep their order. The caller scrubs `message`.
 */
export function logToEngine(severity: LogSeverity, message: string, urn?: string): Promise<void> {
  return engineLog().log(severity, message, urn);
}

/**
 * Waits until every message sent so far (of `urn` when given) has been delivered or fallen back.
 * Handlers await it before returning: the engine may stop the host right after a step's answer.
 */
export function flushEngineLog(urn?: string): Promise<void> {
  return engineLog().flush(urn);
}
