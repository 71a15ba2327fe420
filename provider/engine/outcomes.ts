/**
 * What a resource's handlers take and answer, as plain data: a front door (the dynamic provider
 * in `../dynamic.ts`, a provider plugin later) turns the engine's requests into these calls and
 * the answers back into the engine's results. Failures are thrown: an ExpectedFailure
 * (`./handler-support`) is explained, anything else is a bug.
 */

/** Inputs or outputs of a resource, as the engine holds them (with the provider's hidden keys). */
export type Props = Record<string, unknown>;

/** What the front door knows of the step that the handler cannot read from the properties. */
export interface StepContext {
  /**
   * The resource's URN, where the front door knows it (the dynamic provider learns it from the
   * SDK's `__urn` input: in check, diff, create and update, never in read or delete).
   */
  urn: string | undefined;
}

/** A problem with one input (`property` "" for the resource as a whole). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** A failure as one line of an error: the property, when it names one, then the reason. */
export function failureText(failure: CheckFailure): string {
  return failure.property === "" ? failure.reason : `${failure.property}: ${failure.reason}`;
}

export interface CheckOutcome {
  /** The checked inputs: what diff, create and update receive as `news`. */
  inputs: Props;
  /** When any: the inputs are refused, and nothing else runs. */
  failures?: CheckFailure[];
}

export interface DiffOutcome {
  /** Always explicit: see the handlers. */
  changes: boolean;
  /** Properties whose change replaces the resource. */
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface CreateOutcome {
  id: string;
  outs: Props;
}

export interface ReadOutcome {
  /** "" when the resource is gone: refresh drops it from the state. */
  id: string;
  props?: Props;
  /** The inputs to record, when the handler knows them. */
  inputs?: Props;
}

export interface UpdateOutcome {
  /** Always the full outputs. */
  outs: Props;
}

/** One resource's handlers, over plain data. */
export interface ResourceHandlers {
  check(olds: Props, news: Props, step: StepContext): Promise<CheckOutcome>;
  diff(id: string, olds: Props, news: Props, step: StepContext): Promise<DiffOutcome>;
  create(news: Props, step: StepContext): Promise<CreateOutcome>;
  read(id: string, props: Props, step: StepContext): Promise<ReadOutcome>;
  update(id: string, olds: Props, news: Props, step: StepContext): Promise<UpdateOutcome>;
  delete(id: string, props: Props, step: StepContext): Promise<void>;
}
