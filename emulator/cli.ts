#!/usr/bin/env node
import { parseCliArguments, USAGE } from "./cli-options";
import { DEFAULT_RATE_LIMIT_PER_SECOND } from "./emulator-state";
import { startEmulator } from "./index";

async function main(): Promise<void> {
  const command = parseCliArguments(process.argv.slice(2));
  if (command.kind === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (command.kind === "invalid") {
    process.stderr.write(`${command.problem}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const emulator = await startEmulator(command.options);
  // The first line is the base URL, so scripts can read it and point a client there.
  const lines = [emulator.baseUrl, `control: ${emulator.controlUrl}`];
  // A generated key is useless unless shown; a key the caller chose is never echoed.
  if (command.options.ownerKey === undefined) lines.push(`key: ${emulator.ownerKey}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stderr.write(
    `Vultr users emulator: ${emulator.listUsers().length} users, ` +
      `${command.options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND} requests/s limit. Ctrl+C stops it.\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1); // a second signal: the user wants out now
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `vultr-users-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
