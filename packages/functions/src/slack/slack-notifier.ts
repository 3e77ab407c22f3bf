import { alertHeadline } from "@market-data/core/alerts/index";
import type { AlertMessage, Notifier } from "@market-data/core/ports";
import type { AlertConsole } from "../adapters/local-notifier.js";
import type { SlackDelivery } from "./delivery.js";

/**
 * Alerts offline with Slack configured (`SLACK_BOT_TOKEN` and `SLACK_CHANNEL`): straight to Slack, the way the
 * slack function delivers them in AWS (one message per incident, updates, resolutions in the thread), with a line
 * on the console saying what went where.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly delivery: Pick<SlackDelivery, "deliver">,
    private readonly out: AlertConsole = console,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const outcome = await this.delivery.deliver(message);
    this.out.info(`${alertHeadline(message)} → Slack ${outcome.action}`);
  }
}
