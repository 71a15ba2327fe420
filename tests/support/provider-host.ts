import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import type * as grpcJs from "@grpc/grpc-js";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";
import type * as providerGrpcPb from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import type * as statusPb from "@pulumi/pulumi/proto/status_pb";

// The stubs must share @pulumi/pulumi's copies of grpc-js and google-protobuf: messages built with a
// second copy of google-protobuf fail to serialize with "c.g is not a function".
const requireFromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = requireFromPulumi("@grpc/grpc-js") as typeof grpcJs;
const { Struct } = requireFromPulumi(
  "google-protobuf/google/protobuf/struct_pb",
) as typeof structPb;
const proto = requireFromPulumi("./proto/provider_pb") as typeof providerPb;
const statusProto = requireFromPulumi("./proto/status_pb") as typeof statusPb;
const { ResourceProviderClient } = requireFromPulumi(
  "./proto/provider_grpc_pb",
) as typeof providerGrpcPb;
const HOST_ENTRY = requireFromPulumi.resolve("./cmd/dynamic-provider");

/** The property under which `dynamic.Resource` stores the serialized provider in inputs and state. */
export const PROVIDER_KEY = "__provider";

/** What the engine sends in place of an input that is not known during preview. */
export const UNKNOWN = pulumi.runtime.unknownValue;

// The host insists on an engine address argument but never dials it itself.
const UNUSED_ENGINE_ADDRESS = "127.0.0.1:1";
// The engine's own limit (rpcutil.GrpcChannelOptions); grpc-js would otherwise refuse replies over 4 MiB.
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export interface ProviderHostOptions {
  /**
   * Directory the host runs in. The engine runs it in the program directory, and `require("pkg/…")`
   * in serialized provider text resolves from this directory's node_modules.
   */
  cwd: string;
  /** Full environment of the host process. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Project name, passed as PULUMI_NODEJS_PROJECT the way the engine does. The host's
   * `config.get("key")` reads `<project>:key`; without a project the host falls back to "project".
   */
  project?: string;
  /** How long to wait for the host to print its port (it loads TypeScript: slow on a busy machine). @default 30_000 */
  startTimeoutMs?: number;
  /** Deadline of each RPC, so a wedged host fails the test instead of hanging it. @default 30_000 */
  rpcTimeoutMs?: number;
  /**
   * The engine's gRPC address, passed as the host's last argument as the engine does. Provider
   * code may dial it (the engine log does). @default "127.0.0.1:1", where nothing listens
   */
  engineAddress?: string;
  /** Arguments before the address, as the engine adds `--logflow`, `-v=N`, `--tracing`. */
  engineFlags?: readonly string[];
}

export interface ConfigureOptions {
  /** Keys the stack config marks secret; their values arrive wrapped in Pulumi's secret signature. */
  secretKeys?: readonly string[];
}

type Props = Record<string, unknown>;
type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface ProviderHost {
  /** The host process's id, e.g. to read its peak memory from /proc. */
  readonly pid: number;
  /**
   * Call first, as the engine does: a provider's own `configure` runs lazily at its first CRUD call
   * and reads whatever the last Configure stored (nothing at all without one).
   */
  configure(config: Record<string, string>, options?: ConfigureOptions): Promise<void>;
  check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  /** `olds` are the old outputs, as the engine sends them. */
  diff(
    id: string,
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: DiffChanges; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string, props: Props): Promise<{ id: string; outs: Props }>;
  /**
   * The host never hands `inputs` to the provider's read. The returned `inputs` is empty when the
   * provider returned none, in which case the engine keeps the old ones.
   */
  read(
    id: string,
    urn: string,
    props: Props,
    inputs?: Props,
  ): Promise<{ id: string; outs: Props; inputs: Props }>;
  update(id: string, urn: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, urn: string, props: Props): Promise<void>;
  /** What the host wrote to stdout (after its port line) and stderr: what the CLI shows users. */
  output(): string;
  close(): Promise<void>;
}

/** An RPC the host answered with an error; `message` is the text the user would see. */
export class ProviderHostError extends Error {
  override readonly name = "ProviderHostError" as const;

  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    /**
     * The resource the engine keeps although the step failed (ErrorResourceInitFailed): what a
     * create that wrote something before failing asks the state to record.
     */
    readonly initFailure?: { id: string; properties: Props },
  ) {
    super(message);
  }
}

/** The ErrorResourceInitFailed detail of a failed RPC, if the host attached one. */
function initFailureOf(error: grpcJs.ServiceError): { id: string; properties: Props } | undefined {
  const [bytes] = error.metadata.get("grpc-status-details-bin");
  if (!(bytes instanceof Buffer)) return undefined;
  const status = statusProto.Status.deserializeBinary(new Uint8Array(bytes));
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const failed = proto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: failed.getId(),
      properties: failed.getProperties()?.toJavaScript() ?? {},
    };
  }
  return undefined;
}

/** The text `dynamic.Resource` stores under `__provider` for this provider object. */
export async function serializeProvider(provider: object): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

/** Starts `@pulumi/pulumi/cmd/dynamic-provider` as the engine does and connects to it. */
export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const env = { ...(options.env ?? process.env) };
  if (options.project !== undefined) {
    env["PULUMI_NODEJS_PROJECT"] = options.project;
    env["PULUMI_PROJECT"] = options.project;
  }
  const engineArgs = [
    ...(options.engineFlags ?? []),
    options.engineAddress ?? UNUSED_ENGINE_ADDRESS,
  ];
  const child = spawn(process.execPath, [HOST_ENTRY, ...engineArgs], {
    cwd: options.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let output = "";
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await closed;
  };

  let port: number;
  try {
    port = await readPort(child, options.startTimeoutMs ?? 30_000, (text) => (output += text));
  } catch (error) {
    await kill();
    throw new Error(`${(error as Error).message}\nHost output:\n${output}`, { cause: error });
  }

  const client = new ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    },
  );
  const rpcTimeoutMs = options.rpcTimeoutMs ?? 30_000;

  const call = async <Res>(
    method: string,
    invoke: (
      options: Partial<grpcJs.CallOptions>,
      callback: (error: grpcJs.ServiceError | null, response: Res) => void,
    ) => void,
  ): Promise<Res> => {
    const settled = await new Promise<{ error: grpcJs.ServiceError | null; response: Res }>(
      (resolve) =>
        invoke({ deadline: Date.now() + rpcTimeoutMs }, (error, response) =>
          resolve({ error, response }),
        ),
    );
    // A handler's console output reaches the pipe before its reply reaches the socket, but both
    // can land in the same event-loop poll; one macrotask lets the pipe's data event run first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (settled.error) {
      const { code, details } = settled.error;
      throw new ProviderHostError(method, code, details, initFailureOf(settled.error));
    }
    return settled.response;
  };

  const host: ProviderHost = {
    // Defined: the child printed its port, so it was spawned.
    pid: child.pid ?? 0,
    async configure(config, configureOptions = {}) {
      const secretKeys = new Set(configureOptions.secretKeys ?? []);
      const args: Props = {};
      const request = new proto.ConfigureRequest();
      for (const [key, value] of Object.entries(config)) {
        args[key] = secretKeys.has(key) ? secretValue(value) : value;
        // The engine also sends the legacy flat spelling, secrets decrypted; the host ignores it.
        request.getVariablesMap().set(`pulumi-nodejs:config:${key}`, value);
      }
      // The host reads only `args`; without it the handler throws outside its callback and the
      // RPC never answers.
      request.setArgs(toStruct(args));
      request.setAcceptsecrets(true);
      request.setAcceptresources(true);
      request.setSendsOldInputs(true);
      request.setSendsOldInputsToDelete(true);
      await call("Configure", (o, cb) => client.configure(request, new grpc.Metadata(), o, cb));
    },

    async check(urn, olds, news) {
      const request = new proto.CheckRequest();
      setTarget(request, urn);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      const response = await call<providerPb.CheckResponse>("Check", (o, cb) =>
        client.check(request, new grpc.Metadata(), o, cb),
      );
      return {
        inputs: fromStruct(response.getInputs()),
        failures: response
          .getFailuresList()
          .map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
      };
    },

    async diff(id, urn, olds, news) {
      const request = new proto.DiffRequest();
      setTarget(request, urn);
      request.setId(id);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      const response = await call<providerPb.DiffResponse>("Diff", (o, cb) =>
        client.diff(request, new grpc.Metadata(), o, cb),
      );
      return {
        changes: diffChangesName(response.getChanges()),
        replaces: response.getReplacesList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
      };
    },

    async create(urn, props) {
      const request = new proto.CreateRequest();
      setTarget(request, urn);
      request.setProperties(toStruct(props));
      const response = await call<providerPb.CreateResponse>("Create", (o, cb) =>
        client.create(request, new grpc.Metadata(), o, cb),
      );
      return { id: response.getId(), outs: fromStruct(response.getProperties()) };
    },

    async read(id, urn, props, inputs) {
      const request = new proto.ReadRequest();
      setTarget(request, urn);
      request.setId(id);
      request.setProperties(toStruct(props));
      if (inputs !== undefined) request.setInputs(toStruct(inputs));
      const response = await call<providerPb.ReadResponse>("Read", (o, cb) =>
        client.read(request, new grpc.Metadata(), o, cb),
      );
      return {
        id: response.getId(),
        outs: fromStruct(response.getProperties()),
        inputs: fromStruct(response.getInputs()),
      };
    },

    async update(id, urn, olds, news) {
      const request = new proto.UpdateRequest();
      setTarget(request, urn);
      request.setId(id);
      request.setOlds(toStruct(olds));
      request.setNews(toStruct(news));
      const response = await call<providerPb.UpdateResponse>("Update", (o, cb) =>
        client.update(request, new grpc.Metadata(), o, cb),
      );
      return { outs: fromStruct(response.getProperties()) };
    },

    async delete(id, urn, props) {
      const request = new proto.DeleteRequest();
      setTarget(request, urn);
      request.setId(id);
      request.setProperties(toStruct(props));
      await call("Delete", (o, cb) => client.delete(request, new grpc.Metadata(), o, cb));
    },

    output: () => output,

    async close() {
      client.close();
      await kill();
    },
  };
  return host;
}

function readPort(
  child: ReturnType<typeof spawn>,
  timeoutMs: number,
  onOutput: (text: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let firstLine: string | undefined;
    let pending = "";
    const timer = setTimeout(
      () => reject(new Error(`The provider host printed no port within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stderr?.setEncoding("utf8").on("data", onOutput);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (firstLine !== undefined) return onOutput(chunk);
      pending += chunk;
      const newline = pending.indexOf("\n");
      if (newline === -1) return;
      firstLine = pending.slice(0, newline).trim();
      onOutput(pending.slice(newline + 1));
      clearTimeout(timer);
      const port = Number(firstLine);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`The provider host printed "${firstLine}" where its port belongs`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The provider host exited (${signal ?? `code ${code}`}) before its port`));
    });
  });
}

// The engine fills urn, name and type on every resource RPC; the host reads none of them.
function setTarget(
  request: { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown },
  urn: string,
): void {
  // urn:pulumi:<stack>::<project>::<parent$type>::<name>; a name may itself contain "::".
  const parts = urn.split("::");
  const qualifiedType = parts[2];
  if (!urn.startsWith("urn:pulumi:") || qualifiedType === undefined || parts.length < 4) {
    throw new Error(`"${urn}" is not a URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  }
  request.setUrn(urn);
  request.setName(parts.slice(3).join("::"));
  request.setType(qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1));
}

function secretValue(value: unknown): Props {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

function diffChangesName(changes: providerPb.DiffResponse.DiffChanges): DiffChanges {
  const { DIFF_NONE, DIFF_SOME } = proto.DiffResponse.DiffChanges;
  if (changes === DIFF_SOME) return "DIFF_SOME";
  if (changes === DIFF_NONE) return "DIFF_NONE";
  return "DIFF_UNKNOWN";
}

function toStruct(props: Props): structPb.Struct {
  return Struct.fromJavaScript(toWire(props) as Record<string, structPb.JavaScriptValue>);
}

function fromStruct(struct: structPb.Struct | undefined): Props {
  return struct?.toJavaScript() ?? {};
}

// What the SDK's serializer does before anything reaches the engine: object keys holding undefined
// are dropped and undefined array elements become null (JSON semantics).
function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((element) => toWire(element) ?? null);
  if (value === null || typeof value !== "object") return value;
  const wire: Props = {};
  for (const [key, element] of Object.entries(value)) {
    if (element !== undefined) wire[key] = toWire(element);
  }
  return wire;
}
