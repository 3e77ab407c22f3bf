import { SNSClient } from "@aws-sdk/client-sns";
import type { AlertPlace } from "@market-data/core/alerts/index";
import type { Notifier } from "@market-data/core/ports";
import { ObjectStoreIncidentLedger } from "../adapters/object-store-incidents.js";
import { SnsAlertNotifier } from "../adapters/sns-alert-notifier.js";
import { SnsNotifier } from "../adapters/sns-notifier.js";
import { dataBucket } from "./s3.js";

// Created once per container, at cold start, and reused by every invocation.
const sns = new SNSClient({});

/** The alerts topic (the stacks' `ALERTS_TOPIC_ARN`) as a notifier. */
export function alertsTopic(topicArn: string): Notifier {
  return new SnsAlertNotifier(new SnsNotifier(sns, topicArn));
}

/** Open incidents, as the slack function keeps them in the data bucket. */
export const incidentLedger = () => new ObjectStoreIncidentLedger(dataBucket());

/** Where this function's alert links point: its region, the data bucket, its own log group (Lambda sets both). */
export function awsPlace(): AlertPlace {
  return {
    kind: "aws",
    region: process.env.AWS_REGION ?? "us-east-1",
    ...(process.env.DATA_BUCKET ? { bucket: process.env.DATA_BUCKET } : {}),
    ...(process.env.AWS_LAMBDA_LOG_GROUP_NAME ? { logGroup: process.env.AWS_LAMBDA_LOG_GROUP_NAME } : {}),
  };
}
