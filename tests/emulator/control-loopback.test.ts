import { networkInterfaces } from "node:os";
import { request as httpRequest } from "node:http";
import { isLoopbackAddress, startEmulator, type RunningEmulator } from "../../emulator";

/** A request to `address:port` sent from that same local address, so the server sees it as the peer. */
function fromAddress(
  address: string,
  port: number,
  path: string,
  key?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: address,
        localAddress: address,
        port,
        path,
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** This machine's own non-loopback IPv4 addresses: traffic to them never leaves the host. */
function localNonLoopbackIpv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic !== undefined && nic.family === "IPv4" && !nic.internal)?.address;
}

describe("which peers count as loopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["192.0.2.2", false],
    ["10.0.0.1", false],
    ["fd00::2", false],
    ["::ffff:8.8.8.8", false],
    ["", false],
    [undefined, false],
  ])("%s → %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe("the control plane answers loopback clients only", () => {
  let emulator: RunningEmulator;
  const address = localNonLoopbackIpv4();

  beforeAll(async () => {
    emulator = await startEmulator({ host: "0.0.0.0", rateLimitPerSecond: 0, users: 2, seed: 1 });
  });
  afterAll(() => emulator.close());

  it("still answers on loopback when listening on every address", async () => {
    const answer = await fromAddress("127.0.0.1", emulator.port, "/_emulator/counters");
    expect(answer.status).toBe(200);
  });

  (address === undefined ? it.skip : it)(
    `refuses a non-loopback peer (${address ?? "none on this machine"}) with 403, while /v2 answers it`,
    async () => {
      const target = address ?? "";
      const refused = await fromAddress(target, emulator.port, "/_emulator/users");
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toStrictEqual({
        error: `The emulator's control plane answers loopback clients only; ${target} is not a loopback address.`,
        status: 403,
      });
      const apiAnswer = await fromAddress(target, emulator.port, "/v2/users", emulator.ownerKey);
      expect(apiAnswer.status).toBe(200);
      expect(JSON.parse(apiAnswer.text)).toMatchObject({ meta: { total: 2 } });
    },
  );
});
