/**
 * The baseline: the dynamic provider one writes by following Pulumi's documentation examples.
 * Every diff and every read GETs its user, every write PATCHes at once; no pacing, no shared
 * reads, no retries. A non-2xx answer fails the step, and the benchmark counts those failures.
 *
 * It lives in bench/ only. Its file is not under node_modules, so Pulumi serializes the class by
 * value, and node-fetch (a module under node_modules) as `require("node-fetch")`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import fetch from "node-fetch";

type Props = Record<string, unknown>;

/** The subset of Vultr's user JSON the baseline reads. */
interface WireUser {
  id: string;
  email: string;
  name: string;
  api_enabled: boolean;
  acls: string[];
}

export class NaiveUserApiAccessProvider implements dynamic.ResourceProvider {
  private endpoint = "";
  private apiKey = "";

  configure(request: dynamic.ConfigureRequest): Promise<void> {
    const config = request.config;
    this.apiKey = String(config.get("vultr:apiKey") ?? process.env["VULTR_API_KEY"] ?? "");
    this.endpoint = String(
      config.get("vultr:apiEndpoint") ?? process.env["VULTR_API_ENDPOINT"] ?? "",
    ).replace(/\/+$/, "");
    return Promise.resolve();
  }

  check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return Promise.resolve({ inputs: news });
  }

  async diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    if (news["userId"] !== olds["userId"]) {
      return { changes: true, replaces: ["userId"], deleteBeforeReplace: false };
    }
    const user = await this.getUser(id);
    return { changes: user.api_enabled !== news["apiEnabled"], replaces: [] };
  }

  async create(inputs: Props): Promise<dynamic.CreateResult> {
    const user = await this.getUser(String(inputs["userId"]));
    const apiEnabled = inputs["apiEnabled"] === true;
    if (user.api_enabled !== apiEnabled) await this.setApiEnabled(user.id, apiEnabled);
    return { id: user.id, outs: outputs(user, apiEnabled, user.api_enabled) };
  }

  async read(id: string, props: Props): Promise<dynamic.ReadResult> {
    const user = await this.getUser(id);
    return { id, props: outputs(user, user.api_enabled, props["initialApiEnabled"] === true) };
  }

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const apiEnabled = news["apiEnabled"] === true;
    await this.setApiEnabled(id, apiEnabled);
    return { outs: { ...olds, apiEnabled } };
  }

  async delete(id: string, props: Props): Promise<void> {
    await this.setApiEnabled(id, props["initialApiEnabled"] === true);
  }

  private async getUser(id: string): Promise<WireUser> {
    const response = await fetch(`${this.endpoint}/users/${id}`, {
      headers: { Authorization: `Bearer ${this.apiKey}` },
    });
    if (!response.ok) throw new Error(`GET /users/${id} answered ${response.status}`);
    const body = (await response.json()) as { user: WireUser };
    return body.user;
  }

  private async setApiEnabled(id: string, apiEnabled: boolean): Promise<void> {
    const response = await fetch(`${this.endpoint}/users/${id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${this.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ api_enabled: apiEnabled }),
    });
    if (!response.ok) throw new Error(`PATCH /users/${id} answered ${response.status}`);
  }
}

function outputs(user: WireUser, apiEnabled: boolean, initialApiEnabled: boolean): Props {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    apiEnabled,
    acls: user.acls,
    initialApiEnabled,
  };
}
