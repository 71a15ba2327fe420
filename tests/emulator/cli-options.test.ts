import { parseCliArguments } from "../../emulator/cli-options";

describe("emulator command line", () => {
  it("reads every option, in --flag value and --flag=value forms", () => {
    expect(
      parseCliArguments([
        "--port", "0", "--key", "K", "--users=250", "--latency", "20", "--rps=0", "--seed", "7",
        "--host", "127.0.0.1",
      ]), // prettier-ignore
    ).toStrictEqual({
      kind: "run",
      options: {
        port: 0,
        ownerKey: "K",
        users: 250,
        latencyMs: 20,
        rateLimitPerSecond: 0,
        seed: 7,
        host: "127.0.0.1",
      },
    });
  });

  it("runs with defaults when given nothing", () => {
    expect(parseCliArguments([])).toStrictEqual({ kind: "run", options: {} });
  });

  it("asks for help with --help", () => {
    expect(parseCliArguments(["--users", "3", "--help"])).toStrictEqual({ kind: "help" });
  });

  it.each([
    [["--bogus"], /Unknown option: --bogus/],
    [["--port"], /--port needs a value/],
    [["--port", "--users", "3"], /--port needs a value/],
    [["--port", "70000"], /--port must be a whole number from 0 to 65535/],
    [["--users", "-1"], /--users must be a whole number/],
    [["--rps", "ten"], /--rps must be a whole number/],
    [["--key="], /--key must not be empty/],
    [["users"], /Unknown option: users/],
  ])("refuses %j", (args, problem) => {
    const command = parseCliArguments(args);
    expect(command.kind).toBe("invalid");
    expect(command.kind === "invalid" ? command.problem : "").toMatch(problem);
  });
});
