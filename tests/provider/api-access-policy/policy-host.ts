/**
 * Driving an ApiAccessPolicy through the real dynamic-provider host, as the engine does: the
 * text the SDK stores in `__provider` (the policy shim), the URN it passes as `__urn`.
 */
import type { EmulatedUser, SeedUser } from "../../../emulator";
import { policyShim } from "../../../sdk/provider-shim";
import { PROVIDER_KEY, serializeProvider, type ProviderHost } from "../../support/provider-host";
import { PROJECT, type ProviderFixture, type Props } from "../../support/lab";

export const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";

export function policyUrn(name: string): string {
  return `urn:pulumi:test::${PROJECT}::${POLICY_TYPE}::${name}`;
}

export interface PolicyState {
  id: string;
  outs: Props;
  inputs: Props;
}

export class PolicyDriver {
  private constructor(
    readonly fixture: ProviderFixture,
    readonly providerText: string,
  ) {}

  static async start(fixture: ProviderFixture): Promise<PolicyDriver> {
    return new PolicyDriver(fixture, await serializeProvider(policyShim));
  }

  news(name: string, inputs: Props): Props {
    return { [PROVIDER_KEY]: this.providerText, __urn: policyUrn(name), ...inputs };
  }

  check(host: ProviderHost, name: string, inputs: Props, olds: Props = {}) {
    return host.check(policyUrn(name), olds, this.news(name, inputs));
  }

  /** A first `up`: Check, then Create. */
  async create(host: ProviderHost, name: string, inputs: Props): Promise<PolicyState> {
    const checked = await this.check(host, name, inputs);
    expect(checked.failures).toStrictEqual([]);
    const created = await host.create(policyUrn(name), checked.inputs);
    return { id: created.id, outs: created.outs, inputs: checked.inputs };
  }

  /** A preview of an existing policy: Check, then Diff against the stored outputs. */
  async preview(host: ProviderHost, name: string, previous: PolicyState, inputs: Props) {
    const checked = await this.check(host, name, inputs, previous.inputs);
    expect(checked.failures).toStrictEqual([]);
    const diff = await host.diff(previous.id, policyUrn(name), previous.outs, checked.inputs);
    return { inputs: checked.inputs, diff };
  }

  /** An `up` of an existing policy: preview, then Update when the diff plans a change. */
  async up(host: ProviderHost, name: string, previous: PolicyState, inputs: Props) {
    const { inputs: checked, diff } = await this.preview(host, name, previous, inputs);
    if (diff.changes === "DIFF_NONE") return { state: previous, diff };
    const updated = await host.update(previous.id, policyUrn(name), previous.outs, checked);
    return { state: { id: previous.id, outs: updated.outs, inputs: checked }, diff };
  }
}

/** Seeds users by short name: `<name>@example.com`. */
export function seedAccount(
  fixture: ProviderFixture,
  users: Record<string, Omit<SeedUser, "email" | "name">>,
): Record<string, EmulatedUser> {
  const entries = Object.entries(users);
  const seeded = fixture.emulator.seedUsers(
    entries.map(([name, fields]) => ({ email: `${name}@example.com`, name, ...fields })),
  );
  return Object.fromEntries(entries.map(([name], i) => [name, seeded[i]!]));
}

/** `{userId, email}` as the policy's outputs list users. */
export function listed(...users: EmulatedUser[]): { userId: string; email: string }[] {
  return users.map((user) => ({ userId: user.id, email: user.email }));
}
