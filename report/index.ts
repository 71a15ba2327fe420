export { runCommand, EXIT, type CommandIo } from "./cli";
export { parseArguments, chooseFormat, HELP, UsageError, type ReportOptions } from "./arguments";
export { readAccount, type AccountReader, type ReadOptions } from "./collect";
export { buildReport } from "./build";
export { render, FORMATS, CSV_COLUMNS, type ReportFormat } from "./formats";
export { FINDINGS, FINDING_CODES, findingsFor, type FindingCode } from "./findings";
export { readStateFiles, declarationsOf, managedByFor, parseUrn, StateFileError } from "./state";
export type * from "./types";
