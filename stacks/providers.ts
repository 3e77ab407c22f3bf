// Providers: every hour the ingest function pulls the configured symbols from Alpha Vantage and CoinGecko within
// their rate budgets and writes each payload, untouched and once per period, under raw/<provider>/…, where the bucket
// notification (ingest.ts) takes it into the validate path like any dropped file. A symbol that keeps failing raises
// a provider alert on the alerts topic. sst.config.ts imports this after alerts.ts (which imports ingest.ts), so
// ingest.ts must not import it: that would be a cycle.
import { PREFIX } from "@market-data/core/keys";
import { alarmAboveZero, alerts } from "./alerts";
import { ingestSettings } from "./provider-settings";
import { RUNTIME } from "./stage";
import { bucket, objectsUnder } from "./storage";

const INGEST_HANDLER = "packages/functions/src/ingest.handler";

/**
 * Hourly: a daily pull fetches on the first tick of its UTC day and finds its object present on the others, so the
 * extra ticks cost a few HEADs; they pick up what an exhausted budget or a failing provider left for later.
 */
export const INGEST_SCHEDULE = "rate(1 hour)";

const settings = ingestSettings();

/**
 * Required while Alpha Vantage symbols are configured: the deploy stops until it is set
 * (`npx sst secret set AlphaVantageApiKey … --stage <stage>`), rather than deploying a schedule that fails each tick.
 */
export const alphaVantageApiKey = new sst.Secret(
  "AlphaVantageApiKey",
  settings.providers.includes("alphavantage") ? undefined : "",
);

/** Optional CoinGecko demo / pro key (with `COINGECKO_PLAN`); empty means CoinGecko's public API. */
export const coinGeckoApiKey = new sst.Secret("CoinGeckoApiKey", "");

/** Where the pulled payloads go, one folder per provider pulled (core/providers/raw-key.ts: `raw/<provider>/…`). */
const RAW_PREFIXES = settings.providers.map((provider) => `${PREFIX.raw}${provider}/`);

/** The schedule's memory: failing / unknown symbols and each day's spent budget (`_control/providers/…`). */
export const PROVIDER_STATE_PREFIX = `${PREFIX.control}providers/`;

export const providerSchedule = new sst.aws.CronV2("ProviderSchedule", {
  schedule: INGEST_SCHEDULE,
  // The tick's time is the schedule's, not the invocation's: a retried or late invocation names the same period,
  // so the same raw keys (EventBridge Scheduler fills in the placeholder; ingest.ts reads `event.time`).
  event: { time: "<aws.scheduler.scheduled-time>" },
  // The scheduler's retries of a failed delivery; a tick that fails is retried by Lambda's asynchronous invocation
  // (twice, same event). No DLQ: the next tick redoes whatever this one did not finish; errors raise the alarm below.
  retries: 2,
  function: {
    handler: INGEST_HANDLER,
    runtime: RUNTIME,
    // Waiting for the rate budget is most of it (5 calls a minute on the free tier); the handler stops starting
    // calls 45 s before the timeout and leaves the rest to the next tick.
    timeout: "5 minutes",
    memory: "512 MB",
    link: [alphaVantageApiKey, coinGeckoApiKey],
    environment: {
      DATA_BUCKET: bucket.name,
      ALERTS_TOPIC_ARN: alerts.arn,
      // Plain variables, as the handler reads them: SST ships linked values in an encrypted file only its SDK reads.
      // Visible to whoever may read the function's configuration, like the API's key.
      ALPHA_VANTAGE_API_KEY: alphaVantageApiKey.value,
      COINGECKO_API_KEY: coinGeckoApiKey.value,
      ...settings.environment,
    },
    permissions: [
      // Also what makes a HEAD of a raw key not pulled yet answer 404 rather than 403.
      { actions: ["s3:ListBucket"], resources: [bucket.arn] },
      // Whether a period's payload is there (HEAD), and the schedule's state.
      {
        actions: ["s3:GetObject"],
        resources: [...RAW_PREFIXES.map(objectsUnder), objectsUnder(PROVIDER_STATE_PREFIX)],
      },
      // Raw objects are created conditionally (If-None-Match), never replaced; the state is rewritten each tick.
      {
        actions: ["s3:PutObject"],
        resources: [...RAW_PREFIXES.map(objectsUnder), objectsUnder(PROVIDER_STATE_PREFIX)],
      },
      // A symbol that recovers loses its failure state. Nothing under raw/ is ever deleted.
      { actions: ["s3:DeleteObject"], resources: [objectsUnder(PROVIDER_STATE_PREFIX)] },
      // Provider alerts (a symbol failing for several ticks, or unknown to its provider).
      { actions: ["sns:Publish"], resources: [alerts.arn] },
    ],
  },
});

// Per-symbol failures are provider alerts, not errors; an error is the whole tick failing: the bucket unreachable,
// a setting the function refuses at cold start, a timeout.
export const providerErrorsAlarm = alarmAboveZero("ProviderIngestErrorsAlarm", {
  alarmName: "provider-ingest-errors",
  description: "The provider ingest function failed whole ticks (bucket faults, bad settings or a timeout).",
  namespace: "AWS/Lambda",
  metricName: "Errors",
  statistic: "Sum",
  dimensions: { FunctionName: providerSchedule.nodes.function.name },
});
