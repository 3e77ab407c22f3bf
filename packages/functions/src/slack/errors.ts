import { ErrorCode, type WebAPIPlatformError } from "@slack/web-api";

/**
 * Slack answers that no retry can fix without a person: a bad or revoked token, a channel that does not exist or
 * the bot is not in. They fail the invocation loudly (Lambda retries, the slack function's error alarm fires).
 */
export const CONFIGURATION_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "missing_scope",
]);

/** A message the slack function could not deliver. `code` is Slack's error (`invalid_auth`) or `request_failed`. */
export class SlackDeliveryError extends Error {
  constructor(
    readonly code: string,
    readonly incidentKey: string,
    options?: { cause?: unknown },
  ) {
    super(`could not deliver the alert ${incidentKey} to Slack: ${code}`, options);
    this.name = "SlackDeliveryError";
  }

  /** True when a person must fix the configuration (token, channel, scopes). */
  get isConfiguration(): boolean {
    return CONFIGURATION_ERRORS.has(this.code);
  }
}

/** Slack's error code of a failed call (`invalid_auth`, `message_not_found`), or undefined for transport errors. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  if ((error as { code: unknown }).code !== ErrorCode.PlatformError) return undefined;
  const data = (error as WebAPIPlatformError).data;
  return typeof data.error === "string" ? data.error : undefined;
}
