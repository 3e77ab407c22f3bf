import { setTimeout as sleep } from "node:timers/promises";

/**
 * Time as the provider clients see it. Injected so that tests of minute and day budgets run in virtual time
 * instead of sleeping for real minutes.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleep(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};
