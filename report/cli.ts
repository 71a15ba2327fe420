#!/usr/bin/env node
/**
 * `vultr-api-access report`: the account's users against the stacks that govern them.
 * Exit codes: 0 written, 1 Vultr API failure, 2 usage error, 3 a `--fail-on` finding.
 */
import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { isVultrUsageError } from "../provider/client/errors";
import { redact } from "../provider/client/failures";
import { Pacer } from "../provider/client/pacer";
import { VultrUsersClient } from "../provider/client/users-client";
import { resolveSettings } from "../provider/engine/settings";
import { failureMessage, NO_KEY, usageMessage } from "./advice";
import { chooseFormat, HELP, parseArguments, UsageError, type ReportOptions } from "./arguments";
import { buildReport } from "./build";
import { readAccount, type AccountReader } from "./collect";
import { render } from "./formats";
import { readStateFiles, StateFileError } from "./state";
import type { StackDeclarations } from "./types";

export const EXIT = { ok: 0, apiFailure: 1, usage: 2, findings: 3 } as const;

const COMMAND = "vultr-api-access";

/** Where the command writes; tests and the bin pass the process's own. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

function usageFailure(io: CommandIo, message: string): number {
  io.stderr.write(`${COMMAND}: ${message}\nRun \`${COMMAND} --help\` for the options.\n`);
  return EXIT.usage;
}

/** `reading allowlists: 120/400` on one line of a terminal, rewritten in place. */
function progressOn(stderr: CommandIo["stderr"]) {
  if (stderr.isTTY !== true) return undefined;
  return (what: string, done: number, total: number) => {
    stderr.write(`\r\x1b[Kreading ${what}: ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

interface Client {
  reader: AccountReader;
  apiKey: string;
  maxRequestsPerSecond: number;
}

/** The client the provider uses, with its own pacer at VULTR_MAX_RPS. */
function clientFrom(env: NodeJS.ProcessEnv): Client {
  // The report reads the environment only: say so, not what a Pulumi program would set.
  if ((env.VULTR_API_KEY ?? "").trim() === "") throw new UsageError(NO_KEY);
  const settings = resolveSettings(undefined, env);
  const client = new VultrUsersClient(settings, {
    pacer: new Pacer({ ratePerSecond: settings.maxRequestsPerSecond }),
  });
  return {
    reader: client,
    apiKey: settings.apiKey,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
  };
}

/** Fails early, before any request, when `--out` cannot be written. */
async function checkWritable(file: string): Promise<void> {
  try {
    await access(path.dirname(path.resolve(file)), constants.W_OK);
  } catch {
    throw new UsageError(`--out ${file}: its directory does not exist or cannot be written`);
  }
}

export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let options: ReportOptions;
  let stacks: StackDeclarations | undefined;
  let client: Client;
  try {
    options = parseArguments(argv);
    if (options.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (options.out !== undefined) await checkWritable(options.out);
    stacks = options.stateFiles.length > 0 ? await readStateFiles(options.stateFiles) : undefined;
    client = clientFrom(io.env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof StateFileError) {
      return usageFailure(io, error.message);
    }
    if (isVultrUsageError(error)) return usageFailure(io, usageMessage(error.message));
    throw error;
  }
  const { reader, apiKey } = client;

  let document;
  try {
    const onProgress = progressOn(io.stderr);
    const account = await readAccount(reader, {
      allowlists: options.allowlists,
      keys: options.keys,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
    document = buildReport(account, stacks, io.now());
  } catch (error) {
    // Names the request, the URL, the status, Vultr's text and what to do, in the report's terms.
    const message = failureMessage(error, {
      endpoint: reader.endpoint,
      maxRequestsPerSecond: client.maxRequestsPerSecond,
    });
    io.stderr.write(`${COMMAND}: ${redact(message, apiKey)}\n`);
    return EXIT.apiFailure;
  }

  const text = render(document, chooseFormat(options, io.stdout.isTTY === true));
  if (options.out === undefined) {
    io.stdout.write(text);
  } else {
    await writeFile(options.out, text);
    io.stderr.write(
      `${COMMAND}: wrote the report of ${document.users.length} users to ${options.out}\n`,
    );
  }

  for (const note of document.notes) io.stderr.write(`${COMMAND}: note: ${note}\n`);

  const failing = options.failOn.filter((code) => document.summary.findings[code] !== undefined);
  if (failing.length > 0) {
    const counts = failing.map((code) => {
      const users = document.summary.findings[code] ?? 0;
      return `${code} (${users} ${users === 1 ? "user" : "users"})`;
    });
    io.stderr.write(`${COMMAND}: failing on ${counts.join(", ")}\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}

if (require.main === module) {
  runCommand(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => new Date(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A bug, not a usage or API failure: say so without a stack trace a user cannot act on.
      process.stderr.write(
        `${COMMAND}: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = EXIT.apiFailure;
    },
  );
}
