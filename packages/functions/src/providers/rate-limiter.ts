import { CallLog, type RateBudgets } from "@market-data/core/providers/budget";
import { type Clock, systemClock } from "./clock.js";
import { BudgetDeferredError } from "./errors.js";

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  deadline: number | undefined;
  signal: AbortSignal | undefined;
}

/**
 * A client-side rate limiter that queues instead of failing: callers wait, first come first served, until a call
 * fits the per-minute and per-day budgets (and any pause the provider imposed). A caller with a deadline is told
 * (`BudgetDeferredError`) when no slot opens before it, so a scheduled run can stop in time and leave the rest to
 * the next run.
 */
export class RateLimiter {
  private readonly log: CallLog;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(
    budgets: RateBudgets,
    private readonly clock: Clock = systemClock,
    spent?: { day: string; count: number },
  ) {
    this.log = new CallLog(budgets, spent);
  }

  /** Waits for a slot and takes it (the call counts against the budget from now). */
  acquire(options: { deadline?: number; signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ resolve, reject, deadline: options.deadline, signal: options.signal });
      if (!this.pumping) void this.pump();
    });
  }

  /** Holds every caller until `t`: the provider said it is throttled. */
  pauseUntil(t: number): void {
    this.log.pauseUntil(t);
  }

  /** Callers waiting. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Counts calls an earlier run spent today (read back from where that run saved `spent()`). */
  restore(spent: { day: string; count: number }): void {
    this.log.restore(spent);
  }

  /** Calls spent today (UTC), to carry the daily budget over to the next process. */
  spent(): { day: string; count: number } {
    return this.log.spent(this.clock.now());
  }

  /** When the next call could start. */
  nextAllowed(): number {
    return this.log.nextAllowed(this.clock.now());
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        const head = this.queue[0];
        if (head === undefined) return;
        if (head.signal?.aborted) {
          this.queue.shift();
          head.reject(head.signal.reason);
          continue;
        }
        const now = this.clock.now();
        const at = this.log.nextAllowed(now);
        if (head.deadline !== undefined && at > head.deadline) {
          this.queue.shift();
          head.reject(new BudgetDeferredError(at));
          continue;
        }
        if (at > now) {
          // One sleep for the whole queue; after it the budget is asked again (a pause may have moved it).
          await this.clock.sleep(at - now, head.signal).catch(() => undefined);
          continue;
        }
        this.log.record(now);
        this.queue.shift();
        head.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}
