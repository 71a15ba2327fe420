/**
 * The floor: a dynamic provider that does nothing but answer. No API, no pacing, no directory;
 * whatever the host, the engine order and the serialized closure cost, it costs too, so our
 * provider's wall time and memory are reported as a ratio to it (bench/README.md, "The floor").
 *
 * It cannot see Vultr, so it cannot see drift. To make the engine run the same steps as for ours
 * (an Update per drifted user in `up`, a planned change per drifted user in `preview`), the driver
 * tells it in Configure which declared users differ from their target at the scenario's start
 * (`bench:changed`, a JSON array of user ids); its diff reports exactly those as changed.
 *
 * Like the naive baseline it lives in bench/ only, so Pulumi serializes the class by value. It
 * needs nothing at run time but its own code.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

type Props = Record<string, unknown>;

/** The config key through which the driver names the users that drifted. */
export const CHANGED_CONFIG_KEY = "bench:changed";

export class FloorUserApiAccessProvider implements dynamic.ResourceProvider {
  private changed: ReadonlySet<string> = new Set();

  configure(request: dynamic.ConfigureRequest): Promise<void> {
    // The literal: compiled to CommonJS, a reference to CHANGED_CONFIG_KEY reads `exports.…`,
    // and the serializer would capture this whole module with the class.
    const raw = request.config.get("bench:changed");
    this.changed = new Set(
      typeof raw === "string" && raw !== "" ? (JSON.parse(raw) as string[]) : [],
    );
    return Promise.resolve();
  }

  check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return Promise.resolve({ inputs: news });
  }

  diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    if (news["userId"] !== olds["userId"]) {
      return Promise.resolve({ changes: true, replaces: ["userId"], deleteBeforeReplace: false });
    }
    return Promise.resolve({ changes: this.changed.has(id), replaces: [] });
  }

  create(inputs: Props): Promise<dynamic.CreateResult> {
    const id = String(inputs["userId"]);
    const apiEnabled = inputs["apiEnabled"] === true;
    // The shape ours stores (provider/types.ts AccessOutputs plus the fleet size hint), so the
    // state the engine sends back is about the same size.
    const outs: Props = {
      userId: id,
      email: `${id.slice(0, 8)}@example.com`,
      name: `User ${id.slice(0, 8)}`,
      apiEnabled,
      acls: ["subscriptions_view"],
      initialApiEnabled: apiEnabled,
      onDelete: "restore",
      __fleetSize: inputs["__fleetSize"],
    };
    return Promise.resolve({ id, outs });
  }

  read(id: string, props: Props): Promise<dynamic.ReadResult> {
    return Promise.resolve({ id, props });
  }

  update(_id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    return Promise.resolve({
      outs: { ...olds, apiEnabled: news["apiEnabled"] === true, __fleetSize: news["__fleetSize"] },
    });
  }

  delete(): Promise<void> {
    return Promise.resolve();
  }
}
