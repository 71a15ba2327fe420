/**
 * A stand-in for the Pulumi engine's gRPC server that implements only `Log`: a real grpc-js server
 * on loopback with the Engine service definition from @pulumi/pulumi, so that the provider's engine
 * log is tested over the wire. Test-only.
 */
import { createRequire } from "node:module";
import type * as grpcJs from "@grpc/grpc-js";
import type * as engineGrpcPb from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as emptyPb from "google-protobuf/google/protobuf/empty_pb";

// The same copies of grpc-js and google-protobuf as the client under test (see provider-host.ts).
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = requireFromPulumi("@grpc/grpc-js") as typeof grpcJs;
const proto = requireFromPulumi("./proto/engine_pb") as typeof enginePb;
const { Empty } = requireFromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof emptyPb;
const { EngineService } = requireFromPulumi("./proto/engine_grpc_pb") as typeof engineGrpcPb;

export type EngineSeverity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** One Log call as the engine received it. */
export interface ReceivedLog {
  severity: EngineSeverity;
  message: string;
  urn: string;
  ephemeral: boolean;
}

/** How the fake engine answers one Log call. */
export type EngineAnswer =
  | { kind: "ok"; afterMs?: number }
  | { kind: "error"; code: grpcJs.status; details: string }
  /** Accepts the call and never answers: a wedged engine. */
  | { kind: "never" };

export interface FakeEngineOptions {
  /** Decides the answer to each call, numbered from 0. @default { kind: "ok" } */
  answer?: (log: ReceivedLog, index: number) => EngineAnswer;
}

export interface FakeEngine {
  /** host:port, as the engine passes it to the provider host. */
  readonly address: string;
  /** Every Log call in arrival order. */
  readonly received: ReceivedLog[];
  /**
   * "received <message>" and "answered <message>" in the order they happened, to show whether a
   * client waits for one answer before sending the next message.
   */
  readonly events: string[];
  close(): Promise<void>;
}

const SEVERITIES: Record<enginePb.LogSeverity, EngineSeverity> = {
  [proto.LogSeverity.DEBUG]: "DEBUG",
  [proto.LogSeverity.INFO]: "INFO",
  [proto.LogSeverity.WARNING]: "WARNING",
  [proto.LogSeverity.ERROR]: "ERROR",
};

export async function startFakeEngine(options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const answer = options.answer ?? ((): EngineAnswer => ({ kind: "ok" }));
  const received: ReceivedLog[] = [];
  const events: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const log: grpcJs.handleUnaryCall<enginePb.LogRequest, emptyPb.Empty> = (call, callback) => {
    const request = call.request;
    const entry: ReceivedLog = {
      severity: SEVERITIES[request.getSeverity()],
      message: request.getMessage(),
      urn: request.getUrn(),
      ephemeral: request.getEphemeral(),
    };
    const decision = answer(entry, received.length);
    received.push(entry);
    events.push(`received ${entry.message}`);
    if (decision.kind === "never") return;
    if (decision.kind === "error") {
      callback({ code: decision.code, details: decision.details });
      return;
    }
    const reply = (): void => {
      events.push(`answered ${entry.message}`);
      callback(null, new Empty());
    };
    if (decision.afterMs === undefined) return reply();
    const timer = setTimeout(() => {
      timers.delete(timer);
      reply();
    }, decision.afterMs);
    timers.add(timer);
  };

  const server = new grpc.Server();
  // Only Log: grpc-js answers the Engine's other methods with UNIMPLEMENTED.
  server.addService(EngineService, { log });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

  return {
    address: `127.0.0.1:${port}`,
    received,
    events,
    close() {
      for (const timer of timers) clearTimeout(timer);
      // Ends the calls left unanswered on purpose.
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
