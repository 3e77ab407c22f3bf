import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, ScheduledEvent } from "aws-lambda";
import { ingestConfigFromEnv } from "./ingest/config.js";
import { providerAlertsTo, providerRecoveriesTo } from "./ingest/notify-alerts.js";
import { type IngestTickResult, runIngestTick } from "./ingest/tick.js";
import { providersFromEnv } from "./providers/from-env.js";
import { alertsTopic } from "./shared/alerts.js";
import { requiredEnv } from "./shared/env.js";
import { dataBucket } from "./shared/s3.js";

const logger = new Logger({ serviceName: "ingest" });
// Clients live as long as the container, so a warm container keeps its rate limiter's recent calls; the day's
// usage is also carried in the bucket (`_control/providers/<provider>/usage/`) for cold starts.
const env = process.env;
const config = ingestConfigFromEnv(env);
const providers = providersFromEnv(env, { logger });
const notifier = alertsTopic(requiredEnv("ALERTS_TOPIC_ARN"));
const deps = {
  objects: dataBucket(),
  providers,
  logger,
  onProviderAlert: providerAlertsTo(notifier, logger),
  onProviderRecovered: providerRecoveriesTo(notifier, logger),
};

/** Stop starting provider calls this long before the function times out (a call plus the writes after it). */
const SAFETY_MS = 45_000;

/**
 * Lambda entry of the ingest schedule (CronV2): one tick. The tick's period comes from the schedule's time, so a
 * retried invocation writes the same raw keys; what the rate budget cannot fit before the timeout is left to the
 * next tick.
 */
export const handler = async (
  event: Partial<ScheduledEvent> | undefined,
  context: Context,
): Promise<IngestTickResult> =>
  runIngestTick(deps, config, {
    ...(event?.time ? { at: Date.parse(event.time) } : {}),
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MS,
  });
