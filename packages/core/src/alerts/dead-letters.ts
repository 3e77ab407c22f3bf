import { incidentKeys } from "./incident.js";
import type { Alert } from "./model.js";

/** What is known of a message that used up its receives. */
export interface DeadLetterNotice {
  queue: string;
  messageId: string;
  receiveCount: number;
  /** The last error the consumer saw. */
  error: string;
  /** The object keys the message named (S3 notifications), if any. */
  objectKeys: string[];
  /** Where dead letters are kept: a folder offline, the DLQ's console page in AWS. */
  whereUrl?: string;
}

/** The alert for a message moved to the dead-letter queue: an infrastructure fault repeated until SQS gave up. */
export function deadLetterAlert(notice: DeadLetterNotice, at: string): Alert {
  return {
    type: "alert",
    kind: "dlq_not_empty",
    severity: "error",
    incidentKey: incidentKeys.deadLetters(notice.queue),
    source: "ingest-queue",
    summary: `A message of the ${notice.queue} queue failed ${notice.receiveCount} times and was dead-lettered`,
    detail: notice.error,
    facts: [
      { label: "Queue", value: notice.queue },
      { label: "Message", value: notice.messageId },
      ...(notice.objectKeys.length === 0 ? [] : [{ label: "Objects", value: notice.objectKeys.join("\n") }]),
    ],
    reasons: [],
    links: notice.whereUrl === undefined ? [] : [{ label: "Dead letters", url: notice.whereUrl }],
    at,
  };
}
