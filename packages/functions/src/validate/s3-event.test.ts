import { describe, expect, it } from "vitest";
import { s3NotificationFor } from "../local/s3-event-record.js";
import { objectKeysOf, UnrecognisedMessageError } from "./s3-event.js";

describe("objectKeysOf", () => {
  it("decodes URL-encoded keys with + for spaces", () => {
    const body = JSON.stringify({
      Records: [{ eventName: "ObjectCreated:Put", s3: { object: { key: "raw/csv/my+file%C3%A9+%282%29.csv" } } }],
    });
    expect(objectKeysOf(body)).toEqual(["raw/csv/my fileé (2).csv"]);
  });

  it("round-trips the keys the offline runtime encodes", () => {
    const key = "raw/csv/ünï cödé/A+B & C.csv";
    const notification = s3NotificationFor("b", { key, size: 1, eventTime: new Date(0) });
    expect(objectKeysOf(JSON.stringify(notification))).toEqual([key]);
  });

  it("ignores the s3:TestEvent sent when a notification is configured", () => {
    expect(objectKeysOf(JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "b" }))).toEqual([]);
  });

  it("ignores events other than ObjectCreated", () => {
    const body = JSON.stringify({
      Records: [
        { eventName: "ObjectRemoved:Delete", s3: { object: { key: "raw/a.csv" } } },
        { eventName: "ObjectCreated:CompleteMultipartUpload", s3: { object: { key: "raw/b.csv" } } },
      ],
    });
    expect(objectKeysOf(body)).toEqual(["raw/b.csv"]);
  });

  it("throws a named error for a body that is not an S3 notification", () => {
    expect(() => objectKeysOf("not json")).toThrow(UnrecognisedMessageError);
    expect(() => objectKeysOf(JSON.stringify({ hello: "world" }))).toThrow(/not an S3 event notification/);
  });
});
