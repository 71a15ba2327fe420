/**
 * A budget for a whole provider step (one create, update, delete…), which may make several
 * requests: a read, then a PATCH. Each request has its own deadline; without a step budget a
 * slow read followed by a hanging PATCH could hold a step past a minute.
 *
 * Time spent waiting for the pacer does not count: a destroy of a thousand users queues its
 * PATCHes behind each other on purpose.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface Budget {
  startedAt: number;
  budgetMs: number;
  pacedMs: number;
}

const storage = new AsyncLocalStorage<Budget>();

export const stepDeadline = {
  /** Runs `body` as one step with `budgetMs` of time for Vultr to answer. */
  run<T>(budgetMs: number, body: () => Promise<T>): Promise<T> {
    return storage.run({ startedAt: Date.now(), budgetMs, pacedMs: 0 }, body);
  },

  /** The absolute time the current step must be done by, if a step is running. */
  current(): number | undefined {
    const budget = storage.getStore();
    return budget === undefined ? undefined : budget.startedAt + budget.budgetMs + budget.pacedMs;
  },

  /** The current step's budget, if a step is running. */
  budgetMs(): number | undefined {
    return storage.getStore()?.budgetMs;
  },

  /** Waits for the pacer without charging the wait to the step. */
  async paced(wait: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await wait();
    const budget = storage.getStore();
    if (budget !== undefined) budget.pacedMs += Date.now() - started;
  },
};
