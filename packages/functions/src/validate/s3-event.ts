import * as v from "valibot";

/** The parts of an S3 event notification (as delivered in an SQS message body) that the validate function reads. */
const S3NotificationSchema = v.object({
  Records: v.array(
    v.object({
      eventName: v.string(),
      s3: v.object({ object: v.object({ key: v.string() }) }),
    }),
  ),
});

const TestEventSchema = v.object({ Event: v.literal("s3:TestEvent") });

/** A message body that is not an S3 notification: a producer fault, thrown so that it ends in the DLQ where people look. */
export class UnrecognisedMessageError extends Error {
  readonly code = "UNRECOGNISED_MESSAGE";
}

/**
 * Object keys of the ObjectCreated records in an SQS message body. S3 URL-encodes keys in notifications,
 * with `+` for spaces. `s3:TestEvent` (sent when a notification is configured) and other event types yield nothing.
 */
export function objectKeysOf(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnrecognisedMessageError(`message body is not JSON: ${body.slice(0, 200)}`);
  }
  if (v.is(TestEventSchema, parsed)) return [];
  const notification = v.safeParse(S3NotificationSchema, parsed);
  if (!notification.success) {
    throw new UnrecognisedMessageError(`message body is not an S3 event notification: ${body.slice(0, 200)}`);
  }
  return notification.output.Records.filter((record) => record.eventName.startsWith("ObjectCreated:")).map((record) =>
    decodeURIComponent(record.s3.object.key.replace(/\+/g, " ")),
  );
}
