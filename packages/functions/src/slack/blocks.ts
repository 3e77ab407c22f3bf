import { type AlertMessage, isWebLink, maskMessage } from "@market-data/core/alerts/index";
import type { Alert, AlertResolution, AlertSeverity } from "@market-data/core/ports";
import { type AlertBlock, type ContextBlock, SLACK_LIMITS as L, type SectionBlock, truncate } from "./limits.js";

/** Reasons shown as sections; the rest are counted ("…and 7 more rules"). */
const REASONS_SHOWN = 8;
const EXAMPLES_SHOWN = 3;
const BUTTONS_SHOWN = 5;

const EMOJI: Readonly<Record<AlertSeverity | "resolved", string>> = {
  error: "🔴",
  warning: "🟠",
  info: "🔵",
  resolved: "✅",
};

/** What the ledger knows of an incident, shown in the message's footer. */
export interface IncidentHistory {
  occurrences: number;
  openedAt: string;
}

export interface SlackMessage {
  /** The notification and fallback text. */
  text: string;
  blocks: AlertBlock[];
}

/** Slack's mrkdwn needs `&`, `<` and `>` escaped, or `<…>` would be read as a link or a mention. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, L.sectionText) } };
}

function context(texts: string[]): ContextBlock {
  return {
    type: "context",
    elements: texts
      .slice(0, L.contextElements)
      .map((text) => ({ type: "mrkdwn", text: truncate(text, L.contextText) })),
  };
}

function factSections(facts: Alert["facts"]): SectionBlock[] {
  const sections: SectionBlock[] = [];
  for (let i = 0; i < facts.length; i += L.fieldsPerSection) {
    sections.push({
      type: "section",
      fields: facts.slice(i, i + L.fieldsPerSection).map((fact) => ({
        type: "mrkdwn",
        text: truncate(`*${mrkdwn(fact.label)}*\n${mrkdwn(fact.value)}`, L.fieldText),
      })),
    });
  }
  return sections;
}

function reasonBlocks(alert: Alert): AlertBlock[] {
  if (alert.reasons.length === 0) return [];
  const blocks: AlertBlock[] = [section(alert.kind === "data_stale" ? "*Stale symbols*" : "*Top reasons*")];
  for (const reason of alert.reasons.slice(0, REASONS_SHOWN)) {
    const count = reason.count === undefined ? "" : ` ×${reason.count}`;
    const examples = reason.examples.slice(0, EXAMPLES_SHOWN).map((example) => `\n> ${mrkdwn(truncate(example, 300))}`);
    blocks.push(section(`*${mrkdwn(reason.label)}*${count} — ${mrkdwn(reason.text)}${examples.join("")}`));
  }
  const more = alert.reasons.length - REASONS_SHOWN;
  if (more > 0) {
    const rest = alert.reasons.slice(REASONS_SHOWN).reduce((sum, reason) => sum + (reason.count ?? 1), 0);
    const what = alert.kind === "data_stale" ? "symbols" : `rules (${rest} records)`;
    blocks.push(context([`…and ${more} more ${what}: see the report`]));
  }
  return blocks;
}

function linkBlocks(message: AlertMessage): AlertBlock[] {
  const web = message.links.filter(isWebLink);
  const other = message.links.filter((link) => !isWebLink(link));
  const blocks: AlertBlock[] = [];
  if (web.length > 0) {
    blocks.push({
      type: "actions",
      elements: web.slice(0, BUTTONS_SHOWN).map((link, i) => ({
        type: "button",
        text: { type: "plain_text", text: truncate(link.label, L.buttonText) },
        url: link.url.slice(0, L.buttonUrl),
        action_id: `link-${i}`,
      })),
    });
  }
  // Offline paths cannot be buttons (Slack opens only web links): listed as text instead.
  if (other.length > 0) blocks.push(context(other.map((link) => `${mrkdwn(link.label)}: \`${mrkdwn(link.url)}\``)));
  return blocks;
}

/** At most Slack's 50 blocks: the last kept block says how many were left out. */
function capped(blocks: AlertBlock[]): AlertBlock[] {
  if (blocks.length <= L.blocksPerMessage) return blocks;
  const kept = blocks.slice(0, L.blocksPerMessage - 1);
  return [...kept, context([`${blocks.length - kept.length} more blocks left out`])];
}

function alertBlocks(alert: Alert, history: IncidentHistory | undefined): SlackMessage {
  const severity = alert.severity.toUpperCase();
  const header = truncate(`${EMOJI[alert.severity]} ${severity}: ${alert.summary}`, L.headerText);
  const kind = alert.kind.replace(/_/g, " ");
  const body = alert.detail === undefined ? "" : `\n${mrkdwn(alert.detail)}`;
  const seen =
    history === undefined || history.occurrences <= 1
      ? `at ${alert.at}`
      : `seen ${history.occurrences} times since ${history.openedAt} · last at ${alert.at}`;
  const blocks: AlertBlock[] = [
    { type: "header", text: { type: "plain_text", text: header, emoji: true } },
    section(`*${mrkdwn(kind)}* · from ${mrkdwn(alert.source)}${body}`),
    ...factSections(alert.facts),
    ...reasonBlocks(alert),
    ...linkBlocks(alert),
    context([`incident \`${mrkdwn(alert.incidentKey)}\` · ${seen}`]),
  ];
  return {
    text: truncate(`${EMOJI[alert.severity]} [${alert.severity}] ${alert.summary}`, L.messageText),
    blocks: capped(blocks),
  };
}

function resolutionBlocks(resolution: AlertResolution): SlackMessage {
  const blocks: AlertBlock[] = [
    section(`${EMOJI.resolved} *Resolved* — ${mrkdwn(resolution.summary)}`),
    ...factSections(resolution.facts),
    ...linkBlocks(resolution),
    context([`incident \`${mrkdwn(resolution.incidentKey)}\` · at ${resolution.at}`]),
  ];
  return { text: truncate(`${EMOJI.resolved} Resolved: ${resolution.summary}`, L.messageText), blocks: capped(blocks) };
}

/**
 * A message as Block Kit within Slack's limits: header with severity (≤ 150 characters), the kind and detail, facts
 * as fields (10 per section), the top reasons with examples and a count of the rest, link buttons, and a footer
 * with the incident key and how often it was seen. Known secrets and credential-shaped text are masked.
 */
export function slackMessageOf(
  message: AlertMessage,
  options: { history?: IncidentHistory; secrets?: readonly string[] } = {},
): SlackMessage {
  const masked = maskMessage(message, options.secrets ?? []);
  return masked.type === "alert" ? alertBlocks(masked, options.history) : resolutionBlocks(masked);
}
