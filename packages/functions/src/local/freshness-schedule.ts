import type { Logger } from "@aws-lambda-powertools/logger";
import { type FreshnessCheckResult, type FreshnessDeps, runFreshnessCheck } from "../freshness/check.js";
import { freshnessConfigFromEnv } from "../freshness/config.js";
import { startSerialSchedule } from "./serial-schedule.js";

export interface FreshnessScheduleOptions {
  deps: FreshnessDeps;
  /** How often the check runs; 0 = only when asked (`check()`). */
  everyMs: number;
  /** Read for `FRESHNESS_SYMBOLS` and `FRESHNESS_GRACE_MINUTES` on every check, as the Lambda does. */
  env?: Readonly<Record<string, string | undefined>>;
  logger: Pick<Logger, "error">;
}

export interface FreshnessSchedule {
  /** One check now, after any check in progress. A bad setting rejects, naming it. */
  check(): Promise<FreshnessCheckResult>;
  stop(): Promise<void>;
}

/**
 * The offline stand-in for the freshness CronV2: runs the same check every `everyMs`, one at a time, against the
 * offline latest prices, raising and resolving stale-data alerts through the offline notifier.
 */
export function startFreshnessSchedule(options: FreshnessScheduleOptions): FreshnessSchedule {
  const env = options.env ?? process.env;
  const schedule = startSerialSchedule(
    () => runFreshnessCheck(options.deps, freshnessConfigFromEnv(env)),
    options.everyMs,
    (error) => options.logger.error("freshness check failed", { error: String(error) }),
  );
  return { check: schedule.run, stop: schedule.stop };
}
