import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { type AlertMessage, deadLetterAlert, fileUrl } from "@market-data/core/alerts/index";
import type { IncidentLedger, Notifier, ObjectStore } from "@market-data/core/ports";
import type { SQSRecord } from "aws-lambda";
import { AlertPublisher } from "../adapters/alert-publisher.js";
import { type AlertConsole, LocalNotifier } from "../adapters/local-notifier.js";
import { ObjectStoreIncidentLedger } from "../adapters/object-store-incidents.js";
import { slackClient } from "../slack/client.js";
import { SlackDelivery } from "../slack/delivery.js";
import { SlackNotifier } from "../slack/slack-notifier.js";
import { objectKeysOf } from "../validate/s3-event.js";

export interface OfflineAlertsOptions {
  /** The offline root: `alerts.jsonl` and `dlq/` live here. */
  root: string;
  /** The offline bucket: open incidents live under `_control/alerts/incidents/`, as in AWS. */
  objects: ObjectStore;
  /** Read for `SLACK_BOT_TOKEN`, `SLACK_CHANNEL`, `SLACK_API_URL` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  out?: AlertConsole;
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
}

/** The offline runtime's alerting. */
export interface OfflineAlerts {
  /** Publishes to Slack or the alerts file, remembering what it published. */
  readonly notifier: Notifier;
  readonly publisher: AlertPublisher;
  readonly incidents: IncidentLedger;
  /** `Slack #channel` or the path of `alerts.jsonl`. */
  readonly where: string;
  /** Every alert and resolution published since start, in order. */
  readonly published: AlertMessage[];
  /** Raises the dead-letter alert when a message failed its last receive (`maxReceives`). */
  onReceiveFailed(record: SQSRecord, error: unknown, maxReceives: number): void;
}

/**
 * Alerting offline: Slack directly when `SLACK_BOT_TOKEN` and `SLACK_CHANNEL` are set (`SLACK_API_URL` optional),
 * else the console and `<root>/alerts.jsonl`. Either way open incidents are kept in the offline bucket, so
 * publishers resolve exactly what is open, as in AWS.
 */
export function startOfflineAlerts(options: OfflineAlertsOptions): OfflineAlerts {
  const env = options.env ?? process.env;
  const log = new Logger({ serviceName: "alerts", logLevel: options.logLevel ?? "INFO" });
  const incidents = new ObjectStoreIncidentLedger(options.objects);
  const token = env.SLACK_BOT_TOKEN;
  const channel = env.SLACK_CHANNEL;
  let target: Notifier;
  let where: string;
  if (token && channel) {
    const client = slackClient({ token, ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}) });
    target = new SlackNotifier(new SlackDelivery({ client, channel, incidents, log, secrets: [token] }), options.out);
    where = `Slack ${channel}`;
  } else {
    where = join(options.root, "alerts.jsonl");
    target = new LocalNotifier(where, options.out, incidents);
  }
  const published: AlertMessage[] = [];
  const notifier: Notifier = {
    async publish(message) {
      published.push(message);
      await target.publish(message);
    },
  };
  const publisher = new AlertPublisher(notifier, log, incidents);
  const dlqDir = join(options.root, "dlq");
  return {
    notifier,
    publisher,
    incidents,
    where,
    published,
    onReceiveFailed(record, error, maxReceives) {
      // The queue dead-letters a message on its last failed receive: the alert the DLQ alarm raises in AWS.
      if (Number(record.attributes.ApproximateReceiveCount) < maxReceives) return;
      const notice = {
        queue: "ingest",
        messageId: record.messageId,
        receiveCount: maxReceives,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        objectKeys: safeObjectKeys(record.body),
        whereUrl: fileUrl(dlqDir),
      };
      void publisher.raise(deadLetterAlert(notice, new Date().toISOString()));
    },
  };
}

/** The object keys an S3 notification names; none when the body is not one (the alert still goes out). */
function safeObjectKeys(body: string): string[] {
  try {
    return objectKeysOf(body);
  } catch {
    return [];
  }
}
