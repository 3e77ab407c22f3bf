import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SNS_SUBJECT_MAX, SnsNotifier, snsSubject, toMessageAttributes } from "./sns-notifier.js";

// Delivery through a real topic to a queue is proven against moto in test/glue-sns-eventbridge.moto.test.ts.
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

describe("SnsNotifier", () => {
  it("publishes the message, subject and typed attributes to its topic and returns the message id", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const notifier = new SnsNotifier(new SNSClient({ region: "us-east-1" }), "arn:aws:sns:us-east-1:1:alerts");
    const id = await notifier.notify({
      message: "3 objects quarantined",
      subject: "QUALITY=FAIL",
      attributes: { severity: "warn", count: 3, empty: "" },
    });
    expect(id).toBe("m-1");
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: "arn:aws:sns:us-east-1:1:alerts",
      Message: "3 objects quarantined",
      Subject: "QUALITY=FAIL",
      MessageAttributes: {
        severity: { DataType: "String", StringValue: "warn" },
        count: { DataType: "Number", StringValue: "3" },
      },
    });
  });

  it("leaves out an absent or blank subject, and fails when SNS returns no id", async () => {
    sns.on(PublishCommand).resolves({});
    const notifier = new SnsNotifier(new SNSClient({ region: "us-east-1" }), "arn:t");
    await expect(notifier.notify({ message: "m", subject: " \n " })).rejects.toThrow("no MessageId");
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBeUndefined();
  });

  it("makes a subject fit SNS: one line, printable ASCII, at most 100 characters", () => {
    expect(snsSubject("validate\nfailed\tfor  raw/x.csv")).toBe("validate failed for raw/x.csv");
    expect(snsSubject("Ünïcode 📈")).toBe("?n?code ??");
    const long = snsSubject("x".repeat(300));
    expect(long).toHaveLength(SNS_SUBJECT_MAX);
    expect(long.endsWith("...")).toBe(true);
  });

  it("types attributes: numbers as Number, strings as String", () => {
    expect(toMessageAttributes({ a: 1.5, b: "x" })).toEqual({
      a: { DataType: "Number", StringValue: "1.5" },
      b: { DataType: "String", StringValue: "x" },
    });
  });
});
