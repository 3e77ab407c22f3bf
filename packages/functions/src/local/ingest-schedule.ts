import type { ObjectStore } from "@market-data/core/ports";
import type { ProviderId } from "@market-data/core/providers/types";
import type { OnProviderAlert, OnProviderRecovered } from "../ingest/alerts.js";
import { type IngestConfig, ingestConfigFromEnv } from "../ingest/config.js";
import { providerAlertsTo, providerRecoveriesTo } from "../ingest/notify-alerts.js";
import { type IngestProvider, type IngestTickResult, runIngestTick } from "../ingest/tick.js";
import { providersFromEnv } from "../providers/from-env.js";
import type { ProviderLogger } from "../providers/types.js";
import { startSerialSchedule } from "./serial-schedule.js";

export interface IngestScheduleOptions {
  objects: ObjectStore;
  /** How often the schedule ticks; 0 = only when asked (`tick()`). */
  everyMs: number;
  logger: ProviderLogger;
  /** Default: `process.env` (INGEST_*, ALPHA_VANTAGE_*, COINGECKO_*; see ingestConfigFromEnv / providersFromEnv). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: logged at ERROR as `PROVIDER_ALERT` (the alerting issue's offline notifier can take over). */
  onProviderAlert?: OnProviderAlert;
  /** Default: logged as `PROVIDER_RECOVERED`. */
  onProviderRecovered?: OnProviderRecovered;
  /** Tests pass their own configuration and clients instead of the environment's. */
  config?: IngestConfig;
  providers?: ReadonlyMap<ProviderId, IngestProvider>;
}

export interface IngestSchedule {
  readonly config: IngestConfig;
  /** One tick now (after any tick in progress); what it did. */
  tick(): Promise<IngestTickResult>;
  stop(): Promise<void>;
}

/**
 * The offline stand-in for the ingest CronV2: ticks `runIngestTick` every `everyMs`, one tick at a time, writing
 * into the folder bucket, where the runtime's raw/ watcher picks the payloads up like any dropped file. Point the
 * clients at the fake provider with `ALPHA_VANTAGE_BASE_URL` / `COINGECKO_BASE_URL` for demos without keys.
 * Undefined when the configuration names no symbol (nothing to pull).
 */
export function startIngestSchedule(options: IngestScheduleOptions): IngestSchedule | undefined {
  const env = options.env ?? process.env;
  const config = options.config ?? ingestConfigFromEnv(env);
  if (config.sources.length === 0) return undefined;
  const deps = {
    objects: options.objects,
    providers: options.providers ?? providersFromEnv(env, { logger: options.logger }),
    logger: options.logger,
    onProviderAlert: options.onProviderAlert ?? providerAlertsTo(undefined, options.logger),
    onProviderRecovered: options.onProviderRecovered ?? providerRecoveriesTo(undefined, options.logger),
  };
  const schedule = startSerialSchedule(
    () => runIngestTick(deps, config),
    options.everyMs,
    (error) => options.logger.error("ingest tick failed", { error: String(error) }),
  );
  return { config, tick: schedule.run, stop: schedule.stop };
}
