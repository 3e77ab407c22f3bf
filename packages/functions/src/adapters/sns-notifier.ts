import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";

/** One alert. The slack function (subscribed to the topic) renders it; other subscribers filter on attributes. */
export interface Notification {
  message: string;
  /** The subject line of e-mail subscribers; made to fit SNS's rules by `snsSubject`. */
  subject?: string;
  /** SNS message attributes, e.g. `{ severity: "error", source: "validate" }`, for subscription filter policies. */
  attributes?: Readonly<Record<string, string | number>>;
}

/** SNS's longest subject. */
export const SNS_SUBJECT_MAX = 100;

/** Alerts in AWS: one SNS Publish per notification to the alerts topic. */
export class SnsNotifier {
  constructor(
    private readonly client: SNSClient,
    readonly topicArn: string,
  ) {}

  /** Publishes and returns SNS's message id. */
  async notify(notification: Notification): Promise<string> {
    const subject = notification.subject === undefined ? "" : snsSubject(notification.subject);
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: notification.message,
        Subject: subject === "" ? undefined : subject,
        MessageAttributes: toMessageAttributes(notification.attributes ?? {}),
      }),
    );
    if (out.MessageId === undefined) throw new Error(`SNS Publish to ${this.topicArn} returned no MessageId`);
    return out.MessageId;
  }
}

/**
 * A subject SNS accepts: printable ASCII, no line breaks, at most 100 characters. Publish rejects anything else
 * (InvalidParameter), and an alert must not be lost to its own subject line. e.g. `"validate\nfailed"` → `"validate failed"`.
 */
export function snsSubject(subject: string): string {
  const printable = subject
    .replace(/\s+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .trim();
  return printable.length <= SNS_SUBJECT_MAX ? printable : `${printable.slice(0, SNS_SUBJECT_MAX - 3)}...`;
}

/** Strings as `String`, numbers as `Number` (SNS carries both as text); an empty string is left out (SNS rejects it). */
export function toMessageAttributes(
  attributes: Readonly<Record<string, string | number>>,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "number") out[name] = { DataType: "Number", StringValue: String(value) };
    else if (value !== "") out[name] = { DataType: "String", StringValue: value };
  }
  return out;
}
