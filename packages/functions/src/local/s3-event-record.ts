import type { S3EventRecord } from "aws-lambda";

/** The S3 notification S3 would put on the ingest queue for one new object (same shape, same key encoding). */
export function s3NotificationFor(
  bucket: string,
  object: { key: string; size: number; etag?: string; eventTime: Date },
): { Records: S3EventRecord[] } {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "local",
        eventTime: object.eventTime.toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "local" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "local", "x-amz-id-2": "local" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "raw-objects",
          bucket: { name: bucket, ownerIdentity: { principalId: "local" }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            // S3 encodes keys in notifications like a form value: spaces become `+`.
            key: encodeURIComponent(object.key).replace(/%20/g, "+").replace(/%2F/g, "/"),
            size: object.size,
            eTag: object.etag ?? "",
            sequencer: object.eventTime.getTime().toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}
