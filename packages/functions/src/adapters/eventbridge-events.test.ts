import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { type BusEvent, EventBridgeEvents, PutEventsFailedError } from "./eventbridge-events.js";

// Rule matching and delivery to a queue are proven against moto in test/glue-sns-eventbridge.moto.test.ts.
const events = mockClient(EventBridgeClient);
afterEach(() => events.reset());
const bus = () => new EventBridgeEvents(new EventBridgeClient({ region: "us-east-1" }), "app-bus");
const event = (n: number): BusEvent => ({ source: "market-data", detailType: "Thing Happened", detail: { n } });

describe("EventBridgeEvents", () => {
  it("sends entries with JSON detail to its bus and returns the event ids", async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    const time = new Date("2024-01-05T00:00:00Z");
    expect(await bus().put([{ ...event(1), resources: ["arn:x"], time }])).toEqual(["e-1"]);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: "app-bus",
        Source: "market-data",
        DetailType: "Thing Happened",
        Detail: '{"n":1}',
        Resources: ["arn:x"],
        Time: time,
      },
    ]);
  });

  it("sends 10 entries per request", async () => {
    events.on(PutEventsCommand).callsFake(({ Entries }: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: Entries.map((_, i) => ({ EventId: `e-${i}` })),
    }));
    const ids = await bus().put(Array.from({ length: 23 }, (_, i) => event(i)));
    expect(ids).toHaveLength(23);
    expect(events.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
    expect(await bus().put([])).toEqual([]);
  });

  it("throws for refused entries, after sending the rest, naming each refused event", async () => {
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: "e-0" },
          { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" },
          ...Array.from({ length: 8 }, (_, i) => ({ EventId: `e-${i + 2}` })),
        ],
      })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{}] });
    const error = await bus()
      .put(Array.from({ length: 11 }, (_, i) => event(i)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEventsFailedError);
    expect((error as PutEventsFailedError).failures).toEqual([
      { index: 1, errorCode: "ThrottlingException", errorMessage: "slow down" },
      { index: 10, errorCode: "NoEntry", errorMessage: "" },
    ]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});
