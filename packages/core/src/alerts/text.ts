import type { AlertMessage } from "./model.js";

const REASONS_SHOWN = 5;

/** The first line of a message: severity, kind and summary. e.g. `[warning] quality_gate_failed: Quality gate failed …`. */
export function alertHeadline(message: AlertMessage): string {
  return message.type === "resolved"
    ? `[resolved] ${message.kind}: ${message.summary}`
    : `[${message.severity}] ${message.kind}: ${message.summary}`;
}

/**
 * A message as plain text, the way the console shows it and Slack's notification preview uses it: the headline,
 * then indented detail, facts, the top reasons (with a count of the rest), links and the incident key.
 */
export function alertText(message: AlertMessage): string {
  const lines = [alertHeadline(message)];
  if (message.type === "alert" && message.detail !== undefined) lines.push(`  ${message.detail}`);
  for (const fact of message.facts) lines.push(`  ${fact.label}: ${fact.value.split("\n").join(", ")}`);
  if (message.type === "alert" && message.reasons.length > 0) {
    lines.push("  reasons:");
    for (const reason of message.reasons.slice(0, REASONS_SHOWN)) {
      const count = reason.count === undefined ? "" : ` ×${reason.count}`;
      lines.push(`    ${reason.label}${count} — ${reason.text}`);
      for (const example of reason.examples.slice(0, 2)) lines.push(`      e.g. ${example}`);
    }
    const more = message.reasons.length - REASONS_SHOWN;
    if (more > 0) lines.push(`    …and ${more} more`);
  }
  for (const link of message.links) lines.push(`  ${link.label}: ${link.url}`);
  lines.push(`  incident: ${message.incidentKey} · ${message.at}`);
  return lines.join("\n");
}
