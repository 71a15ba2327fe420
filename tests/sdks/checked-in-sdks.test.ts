/**
 * The SDKs checked in under sdks/ are what `npm run build:sdks` makes of provider/plugin/schema.json
 * today: regenerated into a temp dir and compared file by file. When this fails, run
 * `npm run build:sdks` and commit sdks/.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { findProjectRoot } from "../../scripts/project-root";
import { treeDifferences } from "./tree-compare";

const run = promisify(execFile);
const PROJECT_ROOT = findProjectRoot(__dirname);
const SCHEMA = path.join(PROJECT_ROOT, "provider", "plugin", "schema.json");
const SDKS = path.join(PROJECT_ROOT, "sdks");

// The first run builds the generators (minutes on 2 shared cores); later runs reuse the cache.
jest.setTimeout(10 * 60_000);

describe("the checked-in SDKs", () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "sdks-"));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  if (!existsSync(SCHEMA)) {
    // Before the plugin's schema exists there is nothing to generate, and no SDK may claim to be
    // generated from it.
    it("do not exist while provider/plugin/schema.json does not", () => {
      expect(existsSync(SDKS)).toBe(false);
    });
    return;
  }

  it("are up to date with provider/plugin/schema.json (else: npm run build:sdks)", async () => {
    const script = path.join(PROJECT_ROOT, "scripts", "build-sdks.sh");
    await run("bash", [script, "--schema", SCHEMA, "--out", work], { cwd: PROJECT_ROOT });
    expect(await treeDifferences(work, SDKS)).toEqual([]);
  });
});
