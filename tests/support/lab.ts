/**
 * The test harness, in one place: the workbench (emulator, real provider hosts, scratch program
 * directory) and its two front ends, the provider suites' `ProviderFixture` and the fault
 * suites' `startLab`, with the suite preambles that start and stop them.
 */
export * from "./workbench";
export * from "./provider-fixture";
export * from "./fault-lab";
export * from "./steps";
