import {
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  GetJobRunCommand,
  GlueClient,
  InternalServiceException,
  StartJobRunCommand,
} from "@aws-sdk/client-glue";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { GlueJobRunner, toJobRunState } from "./glue-job-runner.js";

// Glue's behaviour (busy on a second run, states, arguments) is proven against moto in
// test/glue-sns-eventbridge.moto.test.ts; here a mocked client checks the mapping of answers and errors.
const glue = mockClient(GlueClient);
const runner = () => new GlueJobRunner(new GlueClient({ region: "us-east-1" }), "transform", "data-bucket");
afterEach(() => glue.reset());

describe("GlueJobRunner", () => {
  it("starts a run with the run id and the work list's s3 URI as job arguments", async () => {
    glue.on(StartJobRunCommand).resolves({ JobRunId: "jr_1" });
    const started = await runner().start({ runId: "r-20240105", workListKey: "_control/worklists/r-20240105.json" });
    expect(started).toEqual({ started: true, jobRunId: "jr_1" });
    expect(glue.commandCalls(StartJobRunCommand)[0]?.args[0].input).toEqual({
      JobName: "transform",
      Arguments: { "--run_id": "r-20240105", "--work_list": "s3://data-bucket/_control/worklists/r-20240105.json" },
    });
  });

  it("answers busy when the job already runs at its concurrency limit", async () => {
    glue.on(StartJobRunCommand).rejects(new ConcurrentRunsExceededException({ message: "running", $metadata: {} }));
    expect(await runner().start({ runId: "r", workListKey: "w.json" })).toEqual({ started: false, reason: "busy" });
  });

  it("lets every other failure of StartJobRun through", async () => {
    glue.on(StartJobRunCommand).rejects(new InternalServiceException({ message: "boom", $metadata: {} }));
    await expect(runner().start({ runId: "r", workListKey: "w.json" })).rejects.toThrow("boom");
    glue.on(StartJobRunCommand).resolves({});
    await expect(runner().start({ runId: "r", workListKey: "w.json" })).rejects.toThrow("no JobRunId");
  });

  it("reads a run's state, UNKNOWN for a run Glue does not know", async () => {
    glue.on(GetJobRunCommand, { RunId: "jr_1" }).resolves({ JobRun: { JobRunState: "TIMEOUT" } });
    glue
      .on(GetJobRunCommand, { RunId: "jr_gone" })
      .rejects(new EntityNotFoundException({ message: "x", $metadata: {} }));
    expect(await runner().state("jr_1")).toBe("TIMEOUT");
    expect(await runner().state("jr_gone")).toBe("UNKNOWN");
    expect(glue.commandCalls(GetJobRunCommand)[0]?.args[0].input).toEqual({ JobName: "transform", RunId: "jr_1" });
  });

  it("maps Glue's states to the port's, anything unexpected to UNKNOWN", () => {
    expect(["STARTING", "RUNNING", "SUCCEEDED", "EXPIRED"].map(toJobRunState)).toEqual([
      "STARTING",
      "RUNNING",
      "SUCCEEDED",
      "EXPIRED",
    ]);
    expect(toJobRunState("PAUSED")).toBe("UNKNOWN");
    expect(toJobRunState(undefined)).toBe("UNKNOWN");
  });
});
