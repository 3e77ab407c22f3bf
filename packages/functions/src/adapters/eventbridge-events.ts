import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";

/** One event for a bus: EventBridge's `source`, `detail-type` and `detail` (serialised as JSON). */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: unknown;
  resources?: readonly string[];
  time?: Date;
}

/** PutEvents takes at most 10 entries per request. */
export const PUT_EVENTS_LIMIT = 10;

/** Entries EventBridge refused (`index` into the events given to `put`); the rest were accepted. */
export class PutEventsFailedError extends Error {
  readonly code = "PUT_EVENTS_FAILED";
  constructor(readonly failures: readonly { index: number; errorCode: string; errorMessage: string }[]) {
    super(
      `EventBridge refused ${failures.length} event(s): ${failures
        .map((f) => `#${f.index} ${f.errorCode} ${f.errorMessage}`)
        .join("; ")}`,
    );
    this.name = "PutEventsFailedError";
  }
}

/** Events in AWS: PutEvents on one bus, checking every entry (PutEvents answers 200 even when entries fail). */
export class EventBridgeEvents {
  constructor(
    private readonly client: EventBridgeClient,
    readonly busName = "default",
  ) {}

  /**
   * Sends every event, 10 per request, and returns their ids in order. Throws `PutEventsFailedError` when any
   * entry was refused, after sending the rest: delivery is at least once, so the caller's retry resends them all.
   */
  async put(events: readonly BusEvent[]): Promise<string[]> {
    const ids: string[] = [];
    const failures: { index: number; errorCode: string; errorMessage: string }[] = [];
    for (let start = 0; start < events.length; start += PUT_EVENTS_LIMIT) {
      const chunk = events.slice(start, start + PUT_EVENTS_LIMIT);
      const out = await this.client.send(new PutEventsCommand({ Entries: chunk.map((e) => this.entryOf(e)) }));
      chunk.forEach((_, offset) => {
        const entry = out.Entries?.[offset];
        if (entry?.EventId !== undefined && entry.ErrorCode === undefined) ids.push(entry.EventId);
        else {
          const errorCode = entry?.ErrorCode ?? "NoEntry";
          failures.push({ index: start + offset, errorCode, errorMessage: entry?.ErrorMessage ?? "" });
        }
      });
    }
    if (failures.length > 0) throw new PutEventsFailedError(failures);
    return ids;
  }

  private entryOf(event: BusEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Resources: event.resources === undefined ? undefined : [...event.resources],
      Time: event.time,
    };
  }
}
