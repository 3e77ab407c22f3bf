import type { SNSEvent } from "aws-lambda";
import type { DeliveryLog, DeliveryOutcome, SlackDelivery } from "./delivery.js";
import { alertMessageOfEnvelope, envelopesOf } from "./sns.js";

/**
 * The slack function, on each alerts-topic notification: parse the envelope (this app's alert JSON, a CloudWatch
 * alarm, a Glue state change) and deliver it. A delivery failure throws, failing the invocation: Lambda retries
 * the SNS event, and the function's error alarm shows it.
 */
export function createSlackHandler(delivery: Pick<SlackDelivery, "deliver">, log: DeliveryLog) {
  return async function handleAlertsTopic(event: SNSEvent): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const envelope of envelopesOf(event)) {
      const message = alertMessageOfEnvelope(envelope);
      if (message === undefined) {
        log.info("nothing to post for this notification", { messageId: envelope.MessageId });
        continue;
      }
      const outcome = await delivery.deliver(message);
      log.info(`slack ${outcome.action}`, { messageId: envelope.MessageId, incidentKey: message.incidentKey });
      outcomes.push(outcome);
    }
    return outcomes;
  };
}
