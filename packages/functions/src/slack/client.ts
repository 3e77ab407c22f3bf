import { LogLevel, type RetryOptions, WebClient } from "@slack/web-api";

/**
 * Retries of one Slack call. On HTTP 429 `@slack/web-api` waits the `Retry-After` seconds itself (and pauses its
 * queue) before the retry counted here; 5xx answers and network errors are retried with backoff. Three retries fit
 * the slack function's timeout; what still fails fails the invocation, and Lambda retries the SNS event.
 */
export const SLACK_RETRY: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true };

export interface SlackClientOptions {
  token: string;
  /** Default `https://slack.com/api/`; tests point it at a fake server on loopback. */
  slackApiUrl?: string;
  retryConfig?: RetryOptions;
  /** Per-request timeout (ms). */
  timeout?: number;
}

/** The Slack Web API client the alert delivery uses: the bot token, honouring rate limits, quiet logging. */
export function slackClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
    retryConfig: options.retryConfig ?? SLACK_RETRY,
    // Rate-limited calls wait and retry rather than fail (the default, spelled out: it is the point).
    rejectRateLimitedCalls: false,
    timeout: options.timeout ?? 10_000,
    logLevel: LogLevel.WARN,
  });
}
