// Assertions over the deployed slices: stage policy, storage, ingest, alarms. Each takes a graph and throws a
// WiringError naming what is wrong, so negative cases can run them on a tampered graph and expect a throw.
import { PREFIX } from "@market-data/core/keys";
import { durationSeconds, matchesJsonFilter } from "./aws-semantics";
import { callsTo, check, component, componentsOf, functionSites, isRecord, list, pathOf, record } from "./graph";
import { type Graph, render } from "./sst-globals";

/** What sst.config.ts exports: `$config({ app, run })`. */
export interface AppConfig {
  app(input?: { stage?: string }): unknown;
  run(): Promise<unknown>;
}

export function isAppConfig(value: unknown): value is AppConfig {
  return isRecord(value) && typeof value.app === "function" && typeof value.run === "function";
}

/** SQS's default retention (4 days), what a queue without `messageRetentionSeconds` keeps. */
const SQS_DEFAULT_RETENTION_SECONDS = 345_600;

/** Production stages keep their resources on removal and are protected; every other stage is removable. */
export function assertStagePolicy(config: AppConfig, productionStages: readonly string[]): void {
  check(productionStages.includes("production"), `"production" must be one of the production stages`);
  for (const stage of [...productionStages, "dev", "staging", "pr-42", "alice"]) {
    const app = record(config.app({ stage }));
    const production = productionStages.includes(stage);
    check(app.name === "market-data" && app.home === "aws", `stage ${stage}: app is ${JSON.stringify(app)}`);
    check(
      app.removal === (production ? "retain" : "remove") && app.protect === production,
      `stage ${stage}: removal ${String(app.removal)} / protect ${String(app.protect)}, expected ` +
        (production ? "retain / true (a production stage)" : "remove / false"),
    );
  }
}

/** The data bucket: private, encrypted, lifecycle rules by zone; the latest-prices table keyed by symbol. */
export function assertStorage(graph: Graph, expected: { production: boolean; quarantineDays: number }): void {
  const data = component(graph, "sst.aws.Bucket", "Data");
  const args = record(data.args);
  const transform = record(args.transform);
  const block = record(transform.publicAccessBlock);
  for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
    check(block[flag] === true, `Data bucket: public access block ${flag} is not true`);
  }
  check(
    args.access === undefined && args.public === undefined,
    "Data bucket must not grant public or CloudFront reads",
  );
  check(
    record(transform.bucket).forceDestroy === !expected.production,
    `Data bucket: forceDestroy must be ${!expected.production} on this stage`,
  );
  check(
    args.lifecycle === undefined,
    "Data bucket: SST's `lifecycle` would replace the DataLifecycleRules configuration",
  );

  const onData = (type: string) =>
    componentsOf(graph, type).filter((c) => render(record(c.args).bucket) === render(data.ref.name));
  const encryption = onData("aws.s3.BucketServerSideEncryptionConfiguration");
  check(encryption.length === 1, `Data bucket: ${encryption.length} default-encryption configurations, expected 1`);
  const [sse] = encryption.map((c) => list(record(c.args).rules).map(record));
  const algorithm = record(sse?.[0]?.applyServerSideEncryptionByDefault).sseAlgorithm;
  check(
    ["AES256", "aws:kms", "aws:kms:dsse"].includes(String(algorithm)),
    `Data bucket: SSE algorithm ${String(algorithm)}`,
  );

  const lifecycles = onData("aws.s3.BucketLifecycleConfiguration");
  check(lifecycles.length === 1, `Data bucket: ${lifecycles.length} lifecycle configurations, expected exactly 1`);
  const rules = list(record(lifecycles[0]?.args).rules).map(record);
  const prefixOf = (rule: Record<string, unknown>) => record(rule.filter).prefix ?? "";
  check(
    rules.every((r) => r.status === "Enabled"),
    "Data bucket: every lifecycle rule must be Enabled",
  );
  const toGlacier = rules.find((r) => prefixOf(r) === PREFIX.raw);
  const transition = list(toGlacier?.transitions).map(record)[0];
  check(
    transition?.days === 30 && String(transition.storageClass).startsWith("GLACIER"),
    `Data bucket: raw/ must move to a Glacier class after 30 days, got ${JSON.stringify(transition)}`,
  );
  const quarantine = rules.find((r) => prefixOf(r) === PREFIX.quarantine);
  check(
    record(quarantine?.expiration).days === expected.quarantineDays,
    `Data bucket: quarantine/ must expire after ${expected.quarantineDays} days`,
  );
  const multipart = rules.find((r) => prefixOf(r) === "" && r.abortIncompleteMultipartUpload !== undefined);
  check(
    record(multipart?.abortIncompleteMultipartUpload).daysAfterInitiation === 7,
    "Data bucket: incomplete multipart uploads must be aborted after 7 days, bucket-wide",
  );
  if (args.versioning === true) {
    check(
      rules.some((r) => r.noncurrentVersionExpiration !== undefined),
      "Data bucket: with versioning on, noncurrent versions need an expiry rule",
    );
  }

  const table = record(component(graph, "sst.aws.Dynamo", "LatestPrices").args);
  const index = record(table.primaryIndex);
  check(
    JSON.stringify(table.fields) === JSON.stringify({ symbol: "string" }) && index.hashKey === "symbol",
    "LatestPrices: keyed by symbol (a string), and `fields` lists key attributes only",
  );
  check(
    record(record(table.transform).table).deletionProtectionEnabled === expected.production,
    `LatestPrices: deletion protection must be ${expected.production} on this stage`,
  );
}

/** The names the ingest path is built from, found by following references from the bucket notification. */
export interface IngestNames {
  readonly queue: string;
  readonly dlq: string;
  /** Path of the subscription (`Ingest.subscribe()`), whose `nodes.function` is the validate function. */
  readonly subscription: string;
}

/** Follows the graph from the one bucket notification to its queue, that queue's DLQ and its subscriber. */
export function ingestNames(graph: Graph): IngestNames {
  const notifies = graph.calls.filter((c) => c.path.endsWith(".notify"));
  check(
    notifies.length === 1,
    `expected one bucket notification call (S3 keeps one per bucket), found ${notifies.length}`,
  );
  const notifications = list(record(notifies[0]?.args[0]).notifications).map(record);
  check(notifications.length === 1, `expected one notification, found ${notifications.length}`);
  const queue = pathOf(notifications[0]?.queue)?.replace(/\.arn$/, "");
  check(queue !== undefined, "the bucket notification does not target a queue of this app");
  const dlqArgument = record(component(graph, "sst.aws.Queue", queue).args).dlq;
  check(dlqArgument !== undefined, `the ingest queue ${queue} has no DLQ`);
  // `dlq: arn` (SST then retries 3 times) or `dlq: { queue: arn, retry }`.
  const dlq = pathOf(isRecord(dlqArgument) ? dlqArgument.queue : dlqArgument)?.replace(/\.arn$/, "");
  check(
    dlq !== undefined && dlq !== queue,
    `the ingest queue's DLQ must be another queue's ARN, got ${render(dlqArgument)}`,
  );
  const subscriptions = callsTo(graph, `${queue}.subscribe`);
  check(subscriptions.length === 1, `the ingest queue has ${subscriptions.length} subscribers, expected 1`);
  const subscription = pathOf(subscriptions[0]?.result);
  check(subscription !== undefined, "the ingest queue subscription returned no reference");
  return { queue, dlq, subscription };
}

/** raw/ → notification → ingest queue (→ DLQ after 5 receives) → validate, batches of 10 with partial responses. */
export function assertIngestWiring(graph: Graph): IngestNames {
  const names = ingestNames(graph);
  const notify = graph.calls.find((c) => c.path.endsWith(".notify"));
  check(notify?.path === "Data.notify", `the notification must be on the Data bucket, got ${notify?.path}`);
  const notification = record(list(record(notify.args[0]).notifications)[0]);
  check(
    notification.filterPrefix === PREFIX.raw && PREFIX.raw === "raw/",
    `notification prefix is ${JSON.stringify(notification.filterPrefix)}, expected "raw/"`,
  );
  check(
    JSON.stringify(notification.events) === JSON.stringify(["s3:ObjectCreated:*"]),
    `notification events are ${JSON.stringify(notification.events)}, expected ["s3:ObjectCreated:*"] (multipart too)`,
  );

  const queue = record(component(graph, "sst.aws.Queue", names.queue).args);
  check(queue.fifo === undefined || queue.fifo === false, "S3 cannot notify a FIFO queue");
  const dlqArgument = record(queue.dlq);
  check(dlqArgument.retry === 5, `the DLQ takes a message after ${String(dlqArgument.retry)} receives, expected 5`);
  const retention = (args: unknown) =>
    record(record(record(args).transform).queue).messageRetentionSeconds ?? SQS_DEFAULT_RETENTION_SECONDS;
  const dlqRetention = retention(component(graph, "sst.aws.Queue", names.dlq).args);
  check(
    typeof dlqRetention === "number" && dlqRetention > Number(retention(queue)),
    "the DLQ must retain messages longer than the ingest queue (they keep their original enqueue time)",
  );
  check(callsTo(graph, `${names.dlq}.subscribe`).length === 0, "nothing may consume the DLQ: it would drain silently");

  const subscription = callsTo(graph, `${names.queue}.subscribe`)[0];
  const fn = record(subscription?.args[0]);
  const batch = record(record(subscription?.args[1]).batch);
  check(fn.handler === "packages/functions/src/validate.handler", `the ingest subscriber is ${String(fn.handler)}`);
  check(batch.size === 10, `subscriber batch size ${String(batch.size)}, expected 10`);
  check(batch.partialResponses === true, "the subscriber must report partial batch failures");
  check(fn.timeout !== undefined, "the validate function needs an explicit timeout");
  const window = batch.window === undefined ? 0 : durationSeconds(batch.window);
  const timeout = durationSeconds(fn.timeout);
  const visibility = durationSeconds(queue.visibilityTimeout ?? "30 seconds");
  check(
    visibility >= 6 * timeout + window,
    `ingest visibility ${visibility} s < 6 × ${timeout} s function timeout + ${window} s batch window`,
  );
  const env = record(fn.environment);
  check(render(env.DATA_BUCKET) === "{{Data.name}}", `validate DATA_BUCKET is ${render(env.DATA_BUCKET)}`);
  check(
    render(env.LATEST_PRICES_TABLE) === "{{LatestPrices.name}}",
    `validate LATEST_PRICES_TABLE is ${render(env.LATEST_PRICES_TABLE)}`,
  );
  return names;
}

/** Log lines the validate handler writes, as its logger really emits them (the test captures them). */
export interface QualityLogLines {
  readonly fail: string;
  readonly pass: string;
}

/** Alarms to the alerts topic on DLQ depth > 0, validate errors and QUALITY=FAIL log lines. */
export function assertAlarms(graph: Graph, lines: QualityLogLines): void {
  const topic = render(component(graph, "sst.aws.SnsTopic", "Alerts").ref.arn);
  const { dlq, subscription } = ingestNames(graph);
  const alarms = componentsOf(graph, "aws.cloudwatch.MetricAlarm").map((a): Record<string, unknown> => record(a.args));
  const alarmOn = (what: string, matches: (a: Record<string, unknown>) => boolean) => {
    const found = alarms.filter(matches);
    check(found.length === 1, `expected one alarm on ${what}, found ${found.length}`);
    const [alarm] = found;
    check(
      alarm !== undefined && list(alarm.alarmActions).map(render).includes(topic),
      `the alarm on ${what} does not notify the alerts topic`,
    );
    check(
      alarm.threshold === 0 && alarm.comparisonOperator === "GreaterThanThreshold",
      `the alarm on ${what} must fire above zero`,
    );
  };
  alarmOn(
    "the DLQ depth",
    (a) =>
      a.namespace === "AWS/SQS" &&
      a.metricName === "ApproximateNumberOfMessagesVisible" &&
      render(record(a.dimensions).QueueName) === `{{${dlq}.nodes.queue.name}}`,
  );
  alarmOn(
    "validate errors",
    (a) =>
      a.namespace === "AWS/Lambda" &&
      a.metricName === "Errors" &&
      render(record(a.dimensions).FunctionName) === `{{${subscription}.nodes.function.name}}`,
  );

  const logGroup = `{{${subscription}.nodes.function.loggingConfig.logGroup}}`;
  const filters = componentsOf(graph, "aws.cloudwatch.LogMetricFilter")
    .map((f) => record(f.args))
    .filter((f) => render(f.logGroupName) === logGroup);
  check(
    filters.length === 1,
    `expected one metric filter on the validate function's log group, found ${filters.length}`,
  );
  const filter = filters[0] ?? {};
  const pattern = String(filter.pattern);
  check(matchesJsonFilter(pattern, lines.fail), `the filter ${pattern} misses the logged QUALITY=FAIL line`);
  check(!matchesJsonFilter(pattern, lines.pass), `the filter ${pattern} also counts QUALITY=PASS lines`);
  const metric = record(filter.metricTransformation);
  alarmOn("the QUALITY=FAIL metric", (a) => a.namespace === metric.namespace && a.metricName === metric.name);
}

/** The validate function writes nothing under raw/ (the zone is write-once: DESIGN.md). */
export function assertValidateLeavesRawAlone(graph: Graph): void {
  const validate = functionSites(graph).find((f) => f.args.handler === "packages/functions/src/validate.handler");
  check(validate !== undefined, "no validate function in the graph");
  for (const permission of list(validate.args.permissions).map(record)) {
    const writes = list(permission.actions).some((a) => /^s3:(PutObject|DeleteObject|\*)/.test(String(a)));
    const onRaw = list(permission.resources).some((r) => /\}\}\/(raw\/)?\*$/.test(render(r)));
    check(!(writes && onRaw), `validate may write or delete under raw/: ${JSON.stringify(permission.actions)}`);
  }
}

/** The offline runtime runs beside `sst dev` (DevCommand creates nothing in AWS). */
export function assertOfflineRuntimeUnderDev(graph: Graph): void {
  const local = record(component(graph, "sst.x.DevCommand", "Local").args);
  const dev = record(local.dev);
  check(dev.command === "npm start" && dev.autostart === true, "Local runs `npm start` on `sst dev` start");
}

/** Raw Pulumi resources with a physical name carry the app and stage in it (SST does not name them). */
export function assertStageAwareNames(graph: Graph, prefix: string): void {
  const nameFields = ["name", "namespaceName", "workgroupName"];
  for (const c of graph.components.filter((c) => c.type.startsWith("aws."))) {
    for (const field of nameFields) {
      const value = record(c.args)[field];
      if (typeof value !== "string") continue;
      check(value === prefix || value.startsWith(`${prefix}-`), `${c.name}: ${field} "${value}" lacks "${prefix}"`);
    }
  }
}
