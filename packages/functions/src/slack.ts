import { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { incidentLedger } from "./shared/alerts.js";
import { requiredEnv } from "./shared/env.js";
import { slackClient } from "./slack/client.js";
import type { DeliveryOutcome } from "./slack/delivery.js";
import { SlackDelivery } from "./slack/delivery.js";
import { createSlackHandler } from "./slack/handler.js";

// The token comes from the SlackBotToken secret (stacks/alerts.ts); it is masked from anything posted or logged.
const token = requiredEnv("SLACK_BOT_TOKEN");
const logger = new Logger({ serviceName: "slack" });
const delivery = new SlackDelivery({
  client: slackClient({ token, ...(process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {}) }),
  channel: requiredEnv("SLACK_CHANNEL"),
  incidents: incidentLedger(),
  log: logger,
  secrets: [token],
});
const handle = createSlackHandler(delivery, logger);

/** Lambda entry of the slack function: the alerts topic's subscriber. */
export const handler = async (event: SNSEvent): Promise<DeliveryOutcome[]> => handle(event);
