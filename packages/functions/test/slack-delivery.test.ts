import { jobRecovered, jobRunAlert } from "@market-data/core/alerts/index";
import type { Alert } from "@market-data/core/ports";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryIncidentLedger } from "../src/adapters/memory-incidents.js";
import { slackClient } from "../src/slack/client.js";
import { SlackDelivery } from "../src/slack/delivery.js";
import { SlackDeliveryError } from "../src/slack/errors.js";
import { FAKE_CHANNEL_ID, type FakeSlack, startFakeSlack } from "./fake-slack.js";

// The slack delivery against a fake Slack Web API on loopback: the requests @slack/web-api really sends, how it
// honours Retry-After, and what one incident looks like over its life (1 post, updates, a resolution in its thread).
const TOKEN = "xoxb-111-222-fakeTokenForTests";
const place = { kind: "aws", region: "eu-west-1" } as const;
let fake: FakeSlack;
let incidents: MemoryIncidentLedger;
let logged: { message: string; extra: Record<string, unknown> }[];

beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => fake?.close());
beforeEach(() => {
  incidents = new MemoryIncidentLedger();
  logged = [];
});
afterEach(() => {
  fake.requests.length = 0;
});

function delivery(retries = 2, clock?: { now: () => number; sleep: (ms: number) => Promise<void> }): SlackDelivery {
  const log = {
    info: () => {},
    error: (message: string, ...extra: Record<string, unknown>[]) => logged.push({ message, extra: extra[0] ?? {} }),
  };
  return new SlackDelivery({
    // Fast retries for the test; the Retry-After wait itself is the client's and is not shortened.
    client: slackClient({
      token: TOKEN,
      slackApiUrl: fake.url,
      retryConfig: { retries, minTimeout: 10, maxTimeout: 20 },
    }),
    channel: "#market-data-alerts",
    incidents,
    log,
    secrets: [TOKEN],
    ...clock,
  });
}

function failed(at: string, jobRunId = "jr_1"): Alert {
  const alert = jobRunAlert(
    { jobName: "market-data-prod-transform", state: "FAILED", jobRunId, message: "OOM" },
    place,
    at,
  );
  if (alert === undefined) throw new Error("no alert");
  return alert;
}

type Block = { type: string; text?: { text: string }; elements?: { text: string | { text: string }; url?: string }[] };
const blocksOf = (fields: Record<string, unknown>) => JSON.parse(String(fields.blocks)) as Block[];

describe("SlackDelivery against a fake Slack Web API", () => {
  it("posts the first alert of an incident with the bot token, the channel, fallback text and Block Kit", async () => {
    const outcome = await delivery().deliver(failed("2024-03-01T10:00:00.000Z"));
    expect(outcome).toEqual({ action: "posted", channel: FAKE_CHANNEL_ID, ts: expect.stringMatching(/^\d+\.\d+$/) });
    const [post] = fake.calls("chat.postMessage");
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // @slack/web-api 8 sends form-encoded fields, with `blocks` as a JSON-encoded field (Slack accepts both).
    expect(post?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(post?.fields).toMatchObject({
      channel: "#market-data-alerts",
      text: "🔴 [error] Transform run jr_1 FAILED",
      unfurl_links: "false",
    });
    const blocks = blocksOf(post?.fields ?? {});
    expect(blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "🔴 ERROR: Transform run jr_1 FAILED", emoji: true },
    });
    expect(blocks.map((b) => b.type)).toEqual(["header", "section", "section", "actions", "context"]);
    expect(blocks[3]?.elements?.map((e) => e.url)).toEqual([
      expect.stringContaining("gluestudio/home?region=eu-west-1#/job/market-data-prod-transform/run/jr_1"),
      expect.stringContaining("log-group/$252Faws-glue$252Fjobs$252Ferror/log-events/jr_1"),
    ]);
    expect(await incidents.get("job:market-data-prod-transform")).toMatchObject({
      occurrences: 1,
      slack: { channel: FAKE_CHANNEL_ID, ts: outcome.action === "posted" ? outcome.ts : "" },
    });
  });

  it("turns an incident repeated 10 times into 1 post and 9 updates of that message, then resolves it in the thread", async () => {
    const slack = delivery();
    for (let i = 0; i < 10; i++) {
      await slack.deliver(failed(`2024-03-01T10:${String(i * 5).padStart(2, "0")}:00.000Z`, `jr_${i}`));
    }
    const posts = fake.calls("chat.postMessage");
    const updates = fake.calls("chat.update");
    expect(posts).toHaveLength(1);
    expect(updates).toHaveLength(9);
    const ts = (await incidents.get("job:market-data-prod-transform"))?.slack?.ts;
    // chat.update needs the channel id Slack answered with, not the name posted to.
    expect(updates.every((u) => u.fields.ts === ts && u.fields.channel === FAKE_CHANNEL_ID)).toBe(true);
    const last = blocksOf(updates[8]?.fields ?? {});
    expect(last[0]?.text?.text).toBe("🔴 ERROR: Transform run jr_9 FAILED");
    expect(JSON.stringify(last.at(-1))).toContain("seen 10 times since 2024-03-01T10:00:00.000Z");

    const resolved = await slack.deliver(
      jobRecovered(
        { jobName: "market-data-prod-transform", state: "SUCCEEDED", jobRunId: "jr_10" },
        "2024-03-01T11:00:00.000Z",
      ),
    );
    expect(resolved).toMatchObject({ action: "replied" });
    const reply = fake.calls("chat.postMessage")[1];
    expect(reply?.fields).toMatchObject({ channel: FAKE_CHANNEL_ID, thread_ts: ts });
    expect(String(reply?.fields.text)).toMatch(/^✅ Resolved: Transform run jr_10 SUCCEEDED/);
    expect(await incidents.get("job:market-data-prod-transform")).toBeUndefined();

    // A duplicate resolution (SNS delivers at least once) finds nothing open and posts nothing.
    expect(
      await slack.deliver(
        jobRecovered(
          { jobName: "market-data-prod-transform", state: "SUCCEEDED", jobRunId: "jr_10" },
          "2024-03-01T11:00:01.000Z",
        ),
      ),
    ).toEqual({ action: "ignored" });
    expect(fake.calls("chat.postMessage")).toHaveLength(2);
    // The next failure is a new incident: a new message.
    await slack.deliver(failed("2024-03-01T12:00:00.000Z", "jr_11"));
    expect(fake.calls("chat.postMessage")).toHaveLength(3);
  });

  it("waits out a 429's Retry-After and then delivers", async () => {
    fake.answer("chat.postMessage", {
      status: 429,
      headers: { "retry-after": "1" },
      body: { ok: false, error: "ratelimited" },
    });
    const started = Date.now();
    const outcome = await delivery().deliver(failed("2024-03-01T10:00:00.000Z"));
    expect(outcome.action).toBe("posted");
    const posts = fake.calls("chat.postMessage");
    expect(posts).toHaveLength(2);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it.each(["invalid_auth", "channel_not_found"])(
    "fails loudly on %s: one call, an error naming the setting to fix, nothing recorded",
    async (error) => {
      fake.answer("chat.postMessage", { body: { ok: false, error } });
      const thrown = await delivery()
        .deliver(failed("2024-03-01T10:00:00.000Z"))
        .catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(SlackDeliveryError);
      expect(thrown).toMatchObject({
        code: error,
        incidentKey: "job:market-data-prod-transform",
        isConfiguration: true,
      });
      expect(fake.calls("chat.postMessage")).toHaveLength(1); // not retried: no retry fixes it
      expect(logged.map((l) => l.message)).toEqual([
        `SLACK_CONFIGURATION_ERROR ${error}: check the SlackBotToken secret and SLACK_CHANNEL`,
      ]);
      expect(JSON.stringify(logged)).not.toContain(TOKEN);
      expect(await incidents.get("job:market-data-prod-transform")).toBeUndefined();
    },
  );

  it("posts a new message when the incident's message cannot be updated any more", async () => {
    const slack = delivery();
    await slack.deliver(failed("2024-03-01T10:00:00.000Z"));
    fake.answer("chat.update", { body: { ok: false, error: "message_not_found" } });
    expect(await slack.deliver(failed("2024-03-01T10:05:00.000Z"))).toMatchObject({ action: "posted" });
    expect(fake.calls("chat.postMessage")).toHaveLength(2);
    expect(await incidents.get("job:market-data-prod-transform")).toMatchObject({ occurrences: 2 });
  });

  it("never sends the bot token, even when an error message quotes it", async () => {
    const leaky = { ...failed("2024-03-01T10:00:00.000Z"), detail: `Slack said invalid token ${TOKEN}` };
    await delivery().deliver(leaky);
    const [post] = fake.calls("chat.postMessage");
    expect(post?.fields.text).not.toContain(TOKEN);
    expect(String(post?.fields.blocks)).not.toContain(TOKEN);
    expect(String(post?.fields.blocks)).toContain("Slack said invalid token ***");
  });

  it("retries a 5xx answer and gives up with request_failed after the configured retries", async () => {
    const error = { status: 503, body: { ok: false, error: "service_unavailable" } };
    fake.answer("chat.postMessage", error, error);
    await expect(delivery(1).deliver(failed("2024-03-01T10:00:00.000Z"))).rejects.toMatchObject({
      code: "request_failed",
      isConfiguration: false,
    });
    expect(fake.calls("chat.postMessage")).toHaveLength(2);
  });

  it("posts one message for two alerts of a new incident delivered at the same moment, and updates it", async () => {
    const key = "job:market-data-prod-transform";
    const outcomes = await Promise.all([
      delivery().deliver(failed("2024-03-01T10:00:00.000Z", "jr_1")),
      delivery().deliver(failed("2024-03-01T10:00:00.100Z", "jr_2")),
    ]);
    expect(outcomes.map((o) => o.action).sort()).toEqual(["posted", "updated"]);
    expect(fake.calls("chat.postMessage")).toHaveLength(1);
    expect(fake.calls("chat.update")).toHaveLength(1);
    const record = await incidents.get(key);
    expect(record).toMatchObject({ occurrences: 2, slack: { channel: FAKE_CHANNEL_ID } });
    expect(record?.postingSince).toBeUndefined();
  });

  it("posts itself when the delivery that claimed a new incident never posted, once it has waited long enough", async () => {
    let now = Date.parse("2024-03-01T10:00:01.000Z");
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
    await incidents.open({
      incidentKey: "job:market-data-prod-transform",
      kind: "job_failed",
      summary: "claimed, then the claimant died",
      openedAt: "2024-03-01T10:00:00.000Z",
      lastSeenAt: "2024-03-01T10:00:00.000Z",
      occurrences: 1,
      postingSince: "2024-03-01T10:00:00.000Z",
    });
    const outcome = await delivery(2, clock).deliver(failed("2024-03-01T10:00:01.000Z"));
    expect(outcome).toMatchObject({ action: "posted" });
    expect(now - Date.parse("2024-03-01T10:00:01.000Z")).toBeGreaterThanOrEqual(15_000);
    expect(fake.calls("chat.postMessage")).toHaveLength(1);
    const record = await incidents.get("job:market-data-prod-transform");
    expect(record).toMatchObject({ occurrences: 2, slack: { channel: FAKE_CHANNEL_ID } });
    expect(record?.postingSince).toBeUndefined();
  });

  it("gives its claim up when the first post fails, so the retry claims and posts afresh", async () => {
    fake.answer("chat.postMessage", { body: { ok: false, error: "channel_not_found" } });
    await expect(delivery().deliver(failed("2024-03-01T10:00:00.000Z"))).rejects.toMatchObject({
      code: "channel_not_found",
    });
    expect(await incidents.get("job:market-data-prod-transform")).toBeUndefined();
    expect(await delivery().deliver(failed("2024-03-01T10:01:00.000Z"))).toMatchObject({ action: "posted" });
  });
});
