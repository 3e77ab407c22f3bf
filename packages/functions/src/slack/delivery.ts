import { type AlertMessage, incidentAfter, maskSecrets } from "@market-data/core/alerts/index";
import type { Alert, AlertResolution, IncidentLedger, IncidentRecord } from "@market-data/core/ports";
import type { WebClient } from "@slack/web-api";
import { slackMessageOf } from "./blocks.js";
import { SlackDeliveryError, slackErrorCode } from "./errors.js";

/** The logging delivery needs (Powertools' Logger has it). */
export interface DeliveryLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface SlackDeliveryOptions {
  client: Pick<WebClient, "chat">;
  /** Where new incidents are posted: a channel id (`C0123…`) or name (`#market-data-alerts`). */
  channel: string;
  incidents: IncidentLedger;
  log: DeliveryLog;
  /** Never shown in a message (the bot token, at least). */
  secrets: readonly string[];
  /** Clock and sleep of the wait for another delivery's first message (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type DeliveryOutcome =
  | { action: "posted" | "updated" | "replied"; channel: string; ts: string }
  /** A resolution of an incident that is not open (never posted, or already resolved). */
  | { action: "ignored" };

/**
 * How long a delivery waits for the first message of an incident another delivery claimed (posting takes about a
 * second) before it posts one itself: the claimant may have died between claim and post.
 */
const CLAIM_WAIT_MS = 15_000;
const CLAIM_POLL_MS = 250;

/** Answers of `chat.update` that mean "post a new message instead" (deleted, too old to edit). */
const NOT_UPDATABLE = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

/**
 * Delivers alert messages to one Slack channel, one message per incident: the first alert of an incident is posted
 * and its `ts` kept in the incident ledger; repeats update that message (`chat.update`) rather than post a storm;
 * a resolution is posted as a reply in its thread and closes the incident. Slack's refusals throw
 * `SlackDeliveryError`, logged loudly first when a person must act (token, channel).
 */
export class SlackDelivery {
  constructor(private readonly options: SlackDeliveryOptions) {}

  async deliver(message: AlertMessage): Promise<DeliveryOutcome> {
    try {
      return message.type === "alert" ? await this.deliverAlert(message) : await this.deliverResolution(message);
    } catch (error) {
      throw this.failure(error, message.incidentKey);
    }
  }

  private async deliverAlert(alert: Alert): Promise<DeliveryOutcome> {
    const { client, incidents } = this.options;
    let previous = await incidents.get(alert.incidentKey);
    if (previous === undefined) {
      // A new incident: claim it, so that of two alerts of it delivered at once only one posts.
      const claim: IncidentRecord = { ...incidentAfter(undefined, alert), postingSince: this.nowIso() };
      if (await incidents.open(claim)) return this.postFirst(alert, claim);
      previous = await this.awaitFirstMessage(alert.incidentKey);
    } else if (previous.slack === undefined && previous.postingSince !== undefined) {
      previous = await this.awaitFirstMessage(alert.incidentKey);
    }
    const next = withoutClaim(incidentAfter(previous, alert));
    const { text, blocks } = slackMessageOf(alert, { history: next, secrets: this.options.secrets });
    if (previous?.slack !== undefined) {
      const { channel, ts } = previous.slack;
      try {
        await client.chat.update({ channel, ts, text, blocks });
        await incidents.put({ ...next, slack: previous.slack });
        return { action: "updated", channel, ts };
      } catch (error) {
        if (!NOT_UPDATABLE.has(slackErrorCode(error) ?? "")) throw error;
        this.options.log.info("the incident's Slack message cannot be updated; posting a new one", {
          incidentKey: alert.incidentKey,
          code: slackErrorCode(error),
        });
      }
    }
    return this.post(alert, next);
  }

  /** Posts the first message of an incident this delivery claimed; a failed post gives the claim up. */
  private async postFirst(alert: Alert, claim: IncidentRecord): Promise<DeliveryOutcome> {
    try {
      return await this.post(alert, withoutClaim(claim));
    } catch (error) {
      await this.options.incidents.delete(alert.incidentKey).catch(() => undefined); // the retry claims afresh
      throw error;
    }
  }

  private async post(alert: Alert, record: IncidentRecord): Promise<DeliveryOutcome> {
    const { text, blocks } = slackMessageOf(alert, { history: record, secrets: this.options.secrets });
    const posted = await this.options.client.chat.postMessage({
      channel: this.options.channel,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    const slack = { channel: posted.channel ?? this.options.channel, ts: requireTs(posted.ts) };
    await this.options.incidents.put({ ...record, slack });
    return { action: "posted", ...slack };
  }

  /**
   * The incident's record once the delivery that claimed it has posted (its `slack` set) or given the claim up, or
   * the claim still, when that takes longer than `CLAIM_WAIT_MS` (then this delivery posts).
   */
  private async awaitFirstMessage(incidentKey: string): Promise<IncidentRecord | undefined> {
    const now = this.options.now ?? Date.now;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    const deadline = now() + CLAIM_WAIT_MS;
    for (;;) {
      const record = await this.options.incidents.get(incidentKey);
      const claimed = record !== undefined && record.slack === undefined && record.postingSince !== undefined;
      if (!claimed || now() >= deadline) return record;
      await sleep(CLAIM_POLL_MS);
    }
  }

  private nowIso(): string {
    return new Date((this.options.now ?? Date.now)()).toISOString();
  }

  private async deliverResolution(resolution: AlertResolution): Promise<DeliveryOutcome> {
    const { client, incidents } = this.options;
    const open = await incidents.get(resolution.incidentKey);
    if (open === undefined) {
      this.options.log.info("resolution of an incident that is not open; nothing to post", {
        incidentKey: resolution.incidentKey,
      });
      return { action: "ignored" };
    }
    const { text, blocks } = slackMessageOf(resolution, { secrets: this.options.secrets });
    const channel = open.slack?.channel ?? this.options.channel;
    const posted = await client.chat.postMessage({
      channel,
      text,
      blocks,
      ...(open.slack === undefined ? {} : { thread_ts: open.slack.ts }),
      unfurl_links: false,
      unfurl_media: false,
    });
    await incidents.delete(resolution.incidentKey);
    return { action: "replied", channel: posted.channel ?? channel, ts: requireTs(posted.ts) };
  }

  private failure(error: unknown, incidentKey: string): SlackDeliveryError {
    const code = slackErrorCode(error) ?? "request_failed";
    const delivery = new SlackDeliveryError(code, incidentKey, { cause: error });
    const detail = maskSecrets(error instanceof Error ? error.message : String(error), this.options.secrets);
    if (delivery.isConfiguration) {
      // Loud: no retry fixes this; someone must set the SlackBotToken secret or the channel (and invite the bot).
      this.options.log.error(`SLACK_CONFIGURATION_ERROR ${code}: check the SlackBotToken secret and SLACK_CHANNEL`, {
        code,
        incidentKey,
        channel: this.options.channel,
        error: detail,
      });
    } else {
      this.options.log.error("Slack delivery failed", { code, incidentKey, error: detail });
    }
    return delivery;
  }
}

function requireTs(ts: string | undefined): string {
  if (ts === undefined) throw new Error("Slack answered ok without the message's ts");
  return ts;
}

/** The record without the claim mark: what is kept once the first message is posted. */
function withoutClaim(record: IncidentRecord): IncidentRecord {
  const { postingSince: _, ...rest } = record;
  return rest;
}
