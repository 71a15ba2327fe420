/**
 * The floor of the UserApiKey run: a dynamic provider that does nothing but answer, so ours is
 * reported as a ratio to what the host, the engine order and the serialized closure cost anyway
 * (bench/README.md, "The floor"). It cannot see Vultr's clock, so the driver tells it in
 * Configure which keys are due (`bench:changed`, a JSON array of resource ids); its diff reports
 * exactly those as changed, and its update "rotates" them without a request.
 *
 * It lives in bench/ only, so Pulumi serializes the class by value; it needs nothing at run time
 * but its own code.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

type Props = Record<string, unknown>;

export class FloorUserApiKeyProvider implements dynamic.ResourceProvider {
  private changed: ReadonlySet<string> = new Set();

  configure(request: dynamic.ConfigureRequest): Promise<void> {
    // The literal, not a constant: see bench/floor-provider.ts.
    const raw = request.config.get("bench:changed");
    this.changed = new Set(
      typeof raw === "string" && raw !== "" ? (JSON.parse(raw) as string[]) : [],
    );
    return Promise.resolve();
  }

  check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const inputs = { ...news };
    delete inputs["__preview"];
    return Promise.resolve({ inputs });
  }

  diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    if (news["userId"] !== olds["userId"] || news["name"] !== olds["name"]) {
      return Promise.resolve({ changes: true, replaces: ["userId"], deleteBeforeReplace: false });
    }
    return Promise.resolve({ changes: this.changed.has(id), replaces: [] });
  }

  create(inputs: Props): Promise<dynamic.CreateResult> {
    const userId = String(inputs["userId"]);
    const name = String(inputs["name"]);
    const id = `${userId.toLowerCase()}/${name}`;
    // About the shape ours stores (provider/user-api-key/types.ts KeyOutputs).
    const outs: Props = {
      userId,
      email: `${userId.slice(0, 8)}@example.com`,
      name,
      keyId: `${userId.slice(0, 8)}-${name}`,
      apiKey: "FLOORKEY0000000000000000000000000000",
      keyHint: "00000",
      dateExpire: "2027-01-01T00:00:00Z",
      previousKeyId: "",
      previousKeyHint: "",
      previousDateExpire: "",
      retiringKeyIds: [],
      lifetimeDays: inputs["lifetimeDays"],
      rotateBeforeDays: inputs["rotateBeforeDays"] ?? 0,
      keepPrevious: inputs["keepPrevious"] ?? true,
    };
    return Promise.resolve({ id, outs });
  }

  read(id: string, props: Props): Promise<dynamic.ReadResult> {
    return Promise.resolve({ id, props });
  }

  update(_id: string, olds: Props): Promise<dynamic.UpdateResult> {
    return Promise.resolve({
      outs: {
        ...olds,
        previousKeyId: olds["keyId"],
        previousKeyHint: olds["keyHint"],
        previousDateExpire: olds["dateExpire"],
        keyId: `${String(olds["keyId"])}-next`,
      },
    });
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }
}
