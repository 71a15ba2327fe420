/**
 * The engine log inside the real dynamic-provider host: a serialized provider loads it from the
 * built package, as the shim does, and the host is started the way the engine starts it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { startFakeEngine, type FakeEngine } from "../../support/fake-engine";
import { PROVIDER_KEY, serializeProvider, startProviderHost } from "../../support/provider-host";
import { linkedProgramDir, requireBuiltProvider, urnOf, type Props } from "../../support/lab";

const ALICE = urnOf("alice");
// Nothing listens on port 1 of loopback: the host harness's default engine address.
const NOWHERE = "127.0.0.1:1";

let engine: FakeEngine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe("the engine log inside the real dynamic-provider host", () => {
  // What a handler does: log on its resource, flush, answer. The URN comes in as an input because
  // the host hands handlers none.
  const loggingProvider = {
    check: (_olds: Props, news: Props) => {
      const provider =
        require("pulumi-vultr-user-access/provider") as typeof import("../../../provider");
      return provider
        .logToEngine("warning", String(news["text"]), String(news["urn"]))
        .then(() => provider.flushEngineLog())
        .then(() => ({ inputs: news, failures: [] }));
    },
  };

  async function checkThroughHost(engineAddress?: string): Promise<string> {
    requireBuiltProvider();
    const host = await startProviderHost({
      cwd: linkedProgramDir(),
      // The engine adds its flags before the address.
      engineFlags: ["--logflow", "-v=9"],
      ...(engineAddress === undefined ? {} : { engineAddress }),
    });
    try {
      await host.configure({});
      const news = {
        [PROVIDER_KEY]: await serializeProvider(loggingProvider),
        urn: ALICE,
        text: "alice (user 1): API access disabled",
      };
      await host.check(ALICE, {}, news);
      return host.output();
    } finally {
      await host.close();
    }
  }

  it("puts a provider's message on its resource through the engine named last", async () => {
    engine = await startFakeEngine();
    const output = await checkThroughHost(engine.address);

    expect(engine.received).toStrictEqual([
      {
        severity: "WARNING",
        message: "alice (user 1): API access disabled",
        urn: ALICE,
        ephemeral: false,
      },
    ]);
    expect(output).not.toContain("API access disabled");
  });

  it("prints the message on the host's stdout when nothing listens at the address", async () => {
    const output = await checkThroughHost(NOWHERE);
    expect(output).toContain("warning (alice): alice (user 1): API access disabled\n");
  });
});
