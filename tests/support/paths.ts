import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Where the suites write their observations and transcripts (tests/.tmp is git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, "tests", ".tmp", "faults");
