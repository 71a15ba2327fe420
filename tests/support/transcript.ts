/**
 * Everything a fault suite produced — RPC answers, error messages, host output, CLI output, state
 * exports, files written — kept as text so that it can be scanned for API keys at the end, and the
 * observed behaviour of each case, written out for RELIABILITY.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ARTIFACTS_DIR } from "./paths";

/** What one case of a matrix did, as a user would see it. */
export interface Observation {
  section: string;
  case: string;
  /** "succeeded", "failed the step", "CheckFailure", … */
  outcome: string;
  /** Requests the case sent to the faulted route (retries included). */
  attempts?: number;
  elapsedMs?: number;
  /** The message a user sees: the step's error, the CheckFailure reason, or a CLI line. */
  message?: string;
}

export class Transcript {
  readonly #entries: { label: string; text: string }[] = [];
  readonly #observations: Observation[] = [];
  readonly #files = new Set<string>();

  constructor(readonly suite: string) {}

  /** Keeps any value the suite produced, as text. */
  add(label: string, value: unknown): void {
    this.#entries.push({ label, text: asText(value) });
  }

  observe(observation: Observation): void {
    this.#observations.push(observation);
    this.add(`observation ${observation.section} / ${observation.case}`, observation);
  }

  /** A file or directory the suite wrote (scratch programs, state backends): scanned at the end. */
  track(file: string): void {
    this.#files.add(file);
  }

  get observations(): readonly Observation[] {
    return this.#observations;
  }

  /** Writes the observations and the transcript under ARTIFACTS_DIR; returns the files written. */
  save(): string[] {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const observed = path.join(ARTIFACTS_DIR, `${this.suite}.observed.json`);
    const transcript = path.join(ARTIFACTS_DIR, `${this.suite}.transcript.txt`);
    fs.writeFileSync(observed, `${JSON.stringify(this.#observations, null, 2)}\n`);
    fs.writeFileSync(
      transcript,
      this.#entries.map((entry) => `## ${entry.label}\n${entry.text}\n`).join("\n"),
    );
    this.track(observed);
    this.track(transcript);
    return [observed, transcript];
  }

  /**
   * Where any of the secrets occurs: in what was recorded and in every tracked file (read back
   * from disk, directories walked). Returns "<secret name> in <where>" for each hit.
   */
  findSecrets(secrets: Record<string, string>): string[] {
    const hits: string[] = [];
    const scan = (where: string, text: string): void => {
      for (const [name, secret] of Object.entries(secrets)) {
        if (secret.length > 0 && text.includes(secret)) hits.push(`${name} in ${where}`);
      }
    };
    for (const entry of this.#entries) scan(entry.label, entry.text);
    for (const file of this.#files) {
      for (const found of filesUnder(file)) scan(found, fs.readFileSync(found, "latin1"));
    }
    return hits;
  }
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Regular files under a path, without following symlinks (scratch dirs link to the repo). */
function filesUnder(start: string): string[] {
  if (!fs.existsSync(start)) return [];
  const stat = fs.lstatSync(start);
  if (stat.isFile()) return [start];
  if (!stat.isDirectory()) return [];
  return fs
    .readdirSync(start)
    .flatMap((name) => (name === "node_modules" ? [] : filesUnder(path.join(start, name))));
}

/** Saves the transcript, then scans it and every file the suite wrote for the keys. */
export function finishTranscript(transcript: Transcript, secrets: Record<string, string>): void {
  transcript.save();
  expect(transcript.findSecrets(secrets)).toStrictEqual([]);
}
