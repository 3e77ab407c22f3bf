// Assertions over the providers slice: the ingest schedule, its secrets, the settings its code reads (by running the
// code's own parsers on the function's environment), and grants that cover exactly the keys it writes.
import { PREFIX } from "@market-data/core/keys";
import { providerControlKeys, providerRawKey } from "@market-data/core/providers/raw-key";
import type { ProviderId } from "@market-data/core/providers/types";
import { ingestConfigFromEnv } from "../../packages/functions/src/ingest/config";
import { providersFromEnv } from "../../packages/functions/src/providers/from-env";
import { check, component, componentsOf, grants, linkedPermissions, list, record } from "./graph";
import { type ComponentRecord, type Graph, render } from "./sst-globals";

export const INGEST_HANDLER = "packages/functions/src/ingest.handler";

/** EventBridge Scheduler's placeholder for the scheduled instant, filled in per invocation (and kept on retries). */
export const SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";

/**
 * The names the ingest function's parsers (ingest/config.ts, providers/from-env.ts) read from an environment, found
 * by running them on it through a recording proxy: they build names (`INGEST_${provider}_SYMBOLS`) no source scan
 * would find.
 */
export function ingestEnvironmentRead(environment: Record<string, string>): string[] {
  const read = new Set<string>();
  const recording = new Proxy(environment, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.get(target, name);
    },
  });
  ingestConfigFromEnv(recording);
  providersFromEnv(recording);
  return [...read];
}

/** The function's environment as text, deploy-time values rendered (`{{AlphaVantageApiKey.value}}`). */
function renderedEnvironment(fn: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record(fn.environment)).map(([name, value]) => [name, render(value)]));
}

/** The schedule that runs ingest (exactly one does). */
export function ingestSchedule(graph: Graph): ComponentRecord {
  const crons = componentsOf(graph, "sst.aws.CronV2").filter(
    (c) => record(record(c.args).function).handler === INGEST_HANDLER,
  );
  check(crons.length === 1 && crons[0] !== undefined, `expected one schedule running ingest, found ${crons.length}`);
  return crons[0];
}

/**
 * A CronV2 runs ingest on a rate or cron schedule with the scheduled time as its event; the Alpha Vantage and
 * CoinGecko secrets are linked and handed over as the variables the code reads; the configured symbols parse to
 * `expected`; the grants cover every key it writes and nothing else outside its zones; its errors raise an alarm.
 */
export function assertProvidersWiring(graph: Graph, expected: Readonly<Partial<Record<ProviderId, string[]>>>): void {
  const schedule = ingestSchedule(graph);
  const cron = record(schedule.args);
  const fn = record(cron.function);
  check(/^(rate|cron)\(.+\)$/.test(String(cron.schedule)), `ingest schedule ${String(cron.schedule)}`);
  check(
    record(cron.event).time === SCHEDULED_TIME,
    `the ingest event's time must be ${SCHEDULED_TIME}, so a retried tick names the same period`,
  );

  const env = renderedEnvironment(fn);
  const linked = list(fn.link).map(render);
  for (const [secret, variable] of [
    ["AlphaVantageApiKey", "ALPHA_VANTAGE_API_KEY"],
    ["CoinGeckoApiKey", "COINGECKO_API_KEY"],
  ] as const) {
    const { ref } = component(graph, "sst.Secret", secret);
    check(linked.includes(render(ref)), `ingest must be linked to the ${secret} secret`);
    check(env[variable] === render(ref.value), `ingest ${variable} is ${env[variable]}, not the ${secret} secret`);
  }
  check(env.DATA_BUCKET === "{{Data.name}}", `ingest DATA_BUCKET is ${env.DATA_BUCKET}`);
  const topic = `{{${component(graph, "sst.aws.SnsTopic", "Alerts").name}.arn}}`;
  check(env.ALERTS_TOPIC_ARN === topic, `ingest ALERTS_TOPIC_ARN is ${env.ALERTS_TOPIC_ARN}, not the alerts topic`);

  // Without a placeholder SST stops the deploy until the key is set, instead of deploying ticks that all fail.
  const avKey = component(graph, "sst.Secret", "AlphaVantageApiKey").args;
  check(
    expected.alphavantage === undefined || typeof avKey !== "string",
    "AlphaVantageApiKey has a placeholder while Alpha Vantage symbols are configured",
  );

  // What the deployed function will pull, by its own parsers.
  const config = ingestConfigFromEnv(env);
  const pulled = Object.fromEntries(config.sources.map((s) => [s.provider, [...s.symbols]]));
  check(
    JSON.stringify(pulled) === JSON.stringify(expected),
    `ingest pulls ${JSON.stringify(pulled)}, expected ${JSON.stringify(expected)}`,
  );
  const clients = providersFromEnv(env);
  const missing = config.sources.filter((s) => !clients.has(s.provider)).map((s) => s.provider);
  check(missing.length === 0, `symbols are configured for ${missing.join(", ")} but the function builds no client`);

  const own = list(fn.permissions).map((p) => ({
    actions: list(record(p).actions).map(render),
    resources: list(record(p).resources).map(render),
  }));
  const object = (key: string) => `{{Data.arn}}/${key}`;
  const writes: string[] = [];
  for (const source of config.sources) {
    for (const symbol of source.symbols) {
      const slices = clients.get(source.provider)?.slices(symbol, source.interval) ?? [];
      writes.push(...slices.map((slice) => providerRawKey(slice, Date.UTC(2024, 6, 1))));
      writes.push(providerControlKeys.symbol(source.provider, symbol));
      writes.push(providerControlKeys.usage(source.provider, "2024-07-01"));
      const state = object(providerControlKeys.symbol(source.provider, symbol));
      check(grants(own, "s3:DeleteObject", state), `ingest may not clear ${state}`);
    }
  }
  check(writes.length > 0, "ingest writes nothing: no symbols configured");
  for (const key of writes) {
    for (const action of ["s3:GetObject", "s3:PutObject"]) {
      check(grants(own, action, object(key)), `ingest lacks ${action} on ${key}, which it writes`);
    }
  }
  check(grants(own, "s3:ListBucket", "{{Data.arn}}"), "ingest needs ListBucket (404s for keys not pulled yet)");
  check(grants(own, "sns:Publish", topic), "ingest must be allowed to publish provider alerts");

  // Nothing it may write or delete lies outside raw/<provider>/ and the schedule's state.
  const zones = [...Object.keys(pulled).map((p) => `${PREFIX.raw}${p}/`), `${PREFIX.control}providers/`];
  for (const statement of own.filter((s) => s.actions.some((a) => /^s3:(Put|Delete)/.test(a)))) {
    for (const resource of statement.resources) {
      const prefix = /^\{\{Data\.arn\}\}\/(.*)\*$/.exec(resource)?.[1];
      check(
        prefix !== undefined && zones.some((zone) => prefix.startsWith(zone)),
        `ingest may ${statement.actions.join("/")} on ${resource}, outside ${zones.join(", ")}`,
      );
      check(
        !(statement.actions.some((a) => a.startsWith("s3:Delete")) && prefix.startsWith(PREFIX.raw)),
        `ingest may delete under raw/ (${resource})`,
      );
    }
  }
  check(linkedPermissions(graph, fn.link).length === 0, "ingest's links must grant nothing (secrets only)");

  const alarms = componentsOf(graph, "aws.cloudwatch.MetricAlarm").map((a) => record(a.args));
  const errors = alarms.filter(
    (a) =>
      a.metricName === "Errors" &&
      render(record(a.dimensions).FunctionName) === `{{${schedule.name}.nodes.function.name}}`,
  );
  check(errors.length === 1, `expected one alarm on the ingest function's errors, found ${errors.length}`);
  check(list(errors[0]?.alarmActions).map(render).includes(topic), "the ingest errors alarm must notify the topic");
}
