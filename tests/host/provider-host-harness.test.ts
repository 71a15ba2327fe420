import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import {
  PROVIDER_KEY,
  ProviderHostError,
  UNKNOWN,
  serializeProvider,
  startProviderHost,
  type ProviderHost,
} from "../support/provider-host";

type Props = Record<string, unknown>;

// Plays back what the host hands a provider, so the suite checks the harness, not a real provider.
// Handlers return promises without awaiting anything, as the ResourceProvider contract requires.
class EchoProvider implements pulumi.dynamic.ResourceProvider {
  private greeting: string | undefined;
  private token: string | undefined;

  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.greeting = req.config.get("test:greeting");
    this.token = req.config.get("test:token");
    return Promise.resolve();
  }

  check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    if (news["fail"] === "check") {
      return Promise.reject(new Error("check refused: name is reserved"));
    }
    const failures =
      typeof news["name"] === "string" ? [] : [{ property: "name", reason: "required" }];
    return Promise.resolve({ inputs: news, failures });
  }

  diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const renamed = olds["name"] !== news["name"];
    return Promise.resolve({
      changes: renamed,
      replaces: renamed ? ["name"] : [],
      deleteBeforeReplace: renamed,
    });
  }

  create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const name = String(inputs["name"]);
    if (inputs["fail"] === "create") return Promise.reject(new Error(`create refused for ${name}`));
    console.log(`creating ${name}`);
    const outs = { ...inputs, greeting: this.greeting, hasToken: this.token === "s3cret" };
    return Promise.resolve({ id: "x1", outs });
  }

  read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    return Promise.resolve({ id, props });
  }

  update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    return Promise.resolve({ outs: { ...news, greeting: this.greeting } });
  }

  delete(id: string): Promise<void> {
    console.error(`deleting ${id}`);
    return Promise.resolve();
  }
}

const URN = "urn:pulumi:test::harness::pulumi-nodejs:dynamic:Echo::alice";

describe("provider host harness", () => {
  let host: ProviderHost;
  let provider: string;

  beforeAll(async () => {
    provider = await serializeProvider(new EchoProvider());
    host = await startProviderHost({ cwd: path.resolve(__dirname, "../.."), project: "harness" });
    await host.configure(
      { "test:greeting": "hello", "test:token": "s3cret" },
      { secretKeys: ["test:token"] },
    );
  });

  afterAll(async () => {
    await host?.close();
  });

  it("drives check, diff, create, read, update and delete through the real host", async () => {
    const news = { [PROVIDER_KEY]: provider, name: "alice" };

    const checked = await host.check(URN, {}, news);
    expect(checked).toStrictEqual({ inputs: news, failures: [] });

    const created = await host.create(URN, checked.inputs);
    const outs = { ...news, greeting: "hello", hasToken: true };
    expect(created).toStrictEqual({ id: "x1", outs });

    expect(await host.diff("x1", URN, outs, news)).toStrictEqual({
      changes: "DIFF_NONE",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const renamed = { ...news, name: "bob" };
    expect(await host.diff("x1", URN, outs, renamed)).toStrictEqual({
      changes: "DIFF_SOME",
      replaces: ["name"],
      deleteBeforeReplace: true,
    });

    expect(await host.read("x1", URN, outs, news)).toStrictEqual({ id: "x1", outs, inputs: {} });

    expect(await host.update("x1", URN, outs, renamed)).toStrictEqual({
      outs: { ...renamed, greeting: "hello" },
    });

    await host.delete("x1", URN, outs);
    expect(host.output()).toContain("deleting x1");
  });

  it("returns check failures alongside the inputs", async () => {
    const { failures } = await host.check(URN, {}, { [PROVIDER_KEY]: provider });
    expect(failures).toStrictEqual([{ property: "name", reason: "required" }]);
  });

  it("round-trips the unknown sentinel of a preview", async () => {
    const news = { [PROVIDER_KEY]: provider, name: UNKNOWN };
    expect((await host.check(URN, {}, news)).inputs).toStrictEqual(news);
    const olds = { [PROVIDER_KEY]: provider, name: "alice" };
    expect((await host.diff("x1", URN, olds, news)).changes).toBe("DIFF_SOME");
  });

  it("rejects with the message a handler threw", async () => {
    const create = host.create(URN, { [PROVIDER_KEY]: provider, name: "carol", fail: "create" });
    await expect(create).rejects.toThrow(new Error("create refused for carol"));
    await expect(create).rejects.toBeInstanceOf(ProviderHostError);

    const check = host.check(URN, {}, { [PROVIDER_KEY]: provider, name: "root", fail: "check" });
    await expect(check).rejects.toThrow(new Error("check refused: name is reserved"));
  });

  it("shows what a handler logs in the host output", async () => {
    await host.create(URN, { [PROVIDER_KEY]: provider, name: "dave" });
    expect(host.output()).toContain("creating dave\n");
  });
});
