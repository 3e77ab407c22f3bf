import { type AlertMessage, alertMessageOf } from "@market-data/core/alerts/index";
import type { SNSEvent, SNSMessage } from "aws-lambda";

/**
 * The part of an SNS notification the slack function reads. Lambda's `Records[].Sns` and the JSON body SNS
 * delivers to an SQS subscription (without raw delivery) both have these fields.
 */
export type SnsEnvelope = Pick<SNSMessage, "Message" | "MessageId" | "Timestamp"> & {
  Subject?: string | null;
};

/** The alert message of one SNS notification, or undefined when it needs no Slack message. */
export function alertMessageOfEnvelope(envelope: SnsEnvelope): AlertMessage | undefined {
  return alertMessageOf(envelope.Message, {
    subject: envelope.Subject ?? null,
    ...(envelope.Timestamp ? { timestamp: envelope.Timestamp } : {}),
  });
}

/** The envelopes of an SNS event (Lambda delivers one record per invocation, but the shape allows more). */
export function envelopesOf(event: SNSEvent): SnsEnvelope[] {
  return event.Records.map((record) => record.Sns);
}
