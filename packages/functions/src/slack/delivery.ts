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
}

export type DeliveryOutcome =
  | { action: "posted" | "updated" | "replied"; channel: string; ts: string }
  /** A resolution of an incident that is not open (never posted, or already resolved). */
  | { action: "ignored" };

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
    const previous = await incidents.get(alert.incidentKey);
    const next = incidentAfter(previous, alert);
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
    const posted = await client.chat.postMessage({
      channel: this.options.channel,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    const slack = { channel: posted.channel ?? this.options.channel, ts: requireTs(posted.ts) };
    const record: IncidentRecord = { ...next, slack };
    await incidents.put(record);
    return { action: "posted", ...slack };
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
