import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateJobCommand, GetJobRunCommand, GlueClient } from "@aws-sdk/client-glue";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventBridgeEvents, PutEventsFailedError } from "../src/adapters/eventbridge-events.js";
import { GlueJobRunner } from "../src/adapters/glue-job-runner.js";
import { SnsNotifier } from "../src/adapters/sns-notifier.js";
import { createQueue, drainQueue, motoConfig, uniqueName } from "./moto/clients.js";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, setMotoTransition, startMoto } from "./moto/server.js";

// The alerting, job and event adapters against moto: what reaches a subscriber, how Glue answers a second run,
// and which events EventBridge rules route. moto's Glue runs no script: its runs only move through states.
let moto: Moto;
let sqs: SQSClient;
let sns: SNSClient;
let glue: GlueClient;
let eventBridge: EventBridgeClient;

beforeAll(async () => {
  moto = await startMoto();
  const config = motoConfig(moto.endpoint);
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  glue = new GlueClient(config);
  eventBridge = new EventBridgeClient(config);
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const client of [sqs, sns, glue, eventBridge]) client?.destroy();
  await moto?.stop();
});

async function emptyNow(url: string): Promise<boolean> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).length === 0;
}

describe("SnsNotifier on moto", () => {
  it("delivers the message, a cleaned subject and typed attributes to a subscribed queue", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("alerts") }));
    if (TopicArn === undefined) throw new Error("no topic");
    const all = await createQueue(sqs, uniqueName("all-alerts"));
    const errorsOnly = await createQueue(sqs, uniqueName("error-alerts"));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: all.arn }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: errorsOnly.arn,
        Attributes: { FilterPolicy: JSON.stringify({ severity: ["error"] }) },
      }),
    );

    const notifier = new SnsNotifier(sns, TopicArn);
    const id = await notifier.notify({
      message: JSON.stringify({ run: "r-1", state: "FAILED" }),
      subject: "Transform run\nFAILED",
      attributes: { severity: "error", runs: 2 },
    });
    await notifier.notify({ message: "just so you know", attributes: { severity: "info" } });

    const [first, second] = (await drainQueue(sqs, all.url, { count: 2 })).map((body) => JSON.parse(body));
    expect(first).toMatchObject({
      Type: "Notification",
      MessageId: id,
      TopicArn,
      Subject: "Transform run FAILED",
      Message: '{"run":"r-1","state":"FAILED"}',
      MessageAttributes: { severity: { Type: "String", Value: "error" }, runs: { Type: "Number", Value: "2" } },
    });
    expect(second).toMatchObject({ Message: "just so you know" });
    // The attributes are what a subscription's filter policy sees.
    const filtered = (await drainQueue(sqs, errorsOnly.url, { count: 1 })).map((body) => JSON.parse(body));
    expect(filtered.map((m) => m.MessageId)).toEqual([id]);
    expect(await emptyNow(errorsOnly.url)).toBe(true);
  });
});

describe("GlueJobRunner on moto", () => {
  const bucket = "data-bucket";
  async function createTransformJob(): Promise<string> {
    const name = uniqueName("transform");
    // As stacks/transform.ts declares it: Glue 5.0, one concurrent run, the non-per-run arguments as defaults.
    await glue.send(
      new CreateJobCommand({
        Name: name,
        Role: "arn:aws:iam::123456789012:role/glue-transform",
        GlueVersion: "5.0",
        Command: { Name: "glueetl", PythonVersion: "3", ScriptLocation: "s3://assets/glue/market_transform.py" },
        DefaultArguments: { "--curated_root": `s3://${bucket}/curated/`, "--output_root": `s3://${bucket}/` },
        ExecutionProperty: { MaxConcurrentRuns: 1 },
        WorkerType: "G.1X",
        NumberOfWorkers: 2,
        Timeout: 60,
        MaxRetries: 1,
      }),
    );
    return name;
  }
  afterEach(async () => {
    await setMotoTransition(moto.endpoint, "glue::job_run", { progression: "immediate" });
  });

  it("answers busy to a second run while the first is in flight, and starts again once it finished", async () => {
    // moto's default finishes a run the moment it starts; "manual" moves it one state per GetJobRun instead.
    await setMotoTransition(moto.endpoint, "glue::job_run", { progression: "manual", times: 1 });
    const jobName = await createTransformJob();
    const runner = new GlueJobRunner(glue, jobName, bucket);

    const first = await runner.start({ runId: "r-1", workListKey: "_control/worklists/r-1.json" });
    if (!first.started) throw new Error("the first run did not start");
    expect(await runner.start({ runId: "r-2", workListKey: "_control/worklists/r-2.json" })).toEqual({
      started: false,
      reason: "busy",
    });
    expect(await runner.state(first.jobRunId)).toBe("RUNNING");
    expect(await runner.state(first.jobRunId)).toBe("SUCCEEDED");
    const third = await runner.start({ runId: "r-3", workListKey: "_control/worklists/r-3.json" });
    expect(third.started).toBe(true);
  });

  it("passes the run's arguments on top of the job's defaults", async () => {
    const jobName = await createTransformJob();
    const started = await new GlueJobRunner(glue, jobName, bucket).start({
      runId: "r-20240105T0000-ab12",
      workListKey: "_control/worklists/r-20240105T0000-ab12.json",
    });
    if (!started.started) throw new Error("the run did not start");
    const { JobRun } = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: started.jobRunId }));
    expect(JobRun?.Arguments).toEqual({
      "--curated_root": `s3://${bucket}/curated/`,
      "--output_root": `s3://${bucket}/`,
      "--run_id": "r-20240105T0000-ab12",
      "--work_list": `s3://${bucket}/_control/worklists/r-20240105T0000-ab12.json`,
    });
  });

  it("says UNKNOWN for a run Glue does not know, and lets a missing job fail the start", async () => {
    const jobName = await createTransformJob();
    expect(await new GlueJobRunner(glue, jobName, bucket).state("jr_0000")).toBe("UNKNOWN");
    const missing = new GlueJobRunner(glue, uniqueName("no-such-job"), bucket);
    await expect(missing.start({ runId: "r", workListKey: "w.json" })).rejects.toMatchObject({
      name: "EntityNotFoundException",
    });
  });
});

describe("EventBridgeEvents on moto", () => {
  // The patterns of stacks/warehouse.ts: SUCCEEDED runs of the transform job → merge; FAILED|TIMEOUT|STOPPED → alerts.
  const glueEvent = (jobName: string, state: string) => ({
    source: "aws.glue",
    detailType: "Glue Job State Change",
    detail: {
      jobName,
      severity: state === "SUCCEEDED" ? "INFO" : "ERROR",
      state,
      jobRunId: `jr_${state}`,
      message: "",
    },
  });

  async function ruleToQueue(jobName: string, states: string[]): Promise<string> {
    const name = uniqueName("rule");
    const pattern = {
      source: ["aws.glue"],
      "detail-type": ["Glue Job State Change"],
      detail: { jobName: [jobName], state: states },
    };
    await eventBridge.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
    const queue = await createQueue(sqs, uniqueName(name));
    await eventBridge.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "queue", Arn: queue.arn }] }));
    return queue.url;
  }

  it("routes Glue-shaped state changes to the rule that matches them, and only there", async () => {
    const jobName = uniqueName("transform");
    const succeeded = await ruleToQueue(jobName, ["SUCCEEDED"]);
    const failed = await ruleToQueue(jobName, ["FAILED", "TIMEOUT", "STOPPED"]);
    // Real EventBridge refuses `aws.*` sources from PutEvents (only AWS services emit them); moto lets a test stand in
    // for Glue, which is the point here: the event shape the rules must match.
    const ids = await new EventBridgeEvents(eventBridge).put([
      glueEvent(jobName, "SUCCEEDED"),
      glueEvent(jobName, "TIMEOUT"),
      glueEvent("some-other-job", "SUCCEEDED"),
      glueEvent(jobName, "RUNNING"),
    ]);
    expect(ids).toHaveLength(4);

    const [merge] = (await drainQueue(sqs, succeeded, { count: 1 })).map((body) => JSON.parse(body));
    expect(merge).toMatchObject({
      id: ids[0],
      source: "aws.glue",
      "detail-type": "Glue Job State Change",
      detail: { jobName, state: "SUCCEEDED", jobRunId: "jr_SUCCEEDED" },
    });
    const [alert] = (await drainQueue(sqs, failed, { count: 1 })).map((body) => JSON.parse(body));
    expect(alert).toMatchObject({ id: ids[1], detail: { jobName, state: "TIMEOUT" } });
    expect(await emptyNow(succeeded)).toBe(true);
    expect(await emptyNow(failed)).toBe(true);
  });

  it("throws for the entries EventBridge refuses and still delivers the others", async () => {
    const jobName = uniqueName("transform");
    const succeeded = await ruleToQueue(jobName, ["SUCCEEDED"]);
    const error = await new EventBridgeEvents(eventBridge)
      .put([{ ...glueEvent(jobName, "SUCCEEDED"), source: "" }, glueEvent(jobName, "SUCCEEDED")])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEventsFailedError);
    expect((error as PutEventsFailedError).failures).toMatchObject([{ index: 0, errorCode: "InvalidArgument" }]);
    expect(await drainQueue(sqs, succeeded, { count: 1 })).toHaveLength(1);
  });
});
