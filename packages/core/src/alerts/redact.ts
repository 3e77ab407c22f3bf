import { redactSecrets } from "../providers/redact.js";
import type { AlertMessage } from "./model.js";

/** Credentials that have a recognisable shape: Slack tokens, AWS access key ids, bearer headers. */
const SHAPED_SECRETS = [
  /\bxox[abposre]-[A-Za-z0-9-]{8,}/g,
  /\bxapp-[A-Za-z0-9-]{8,}/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/**
 * Text safe to send to people: the given secrets, credential URL parameters and credential-shaped tokens masked.
 * Alert texts quote error messages from providers, databases and Slack, which may echo a request.
 * e.g. `maskSecrets("auth xoxb-1234-abcdefgh failed", [])` → `auth *** failed`.
 */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = redactSecrets(text, secrets);
  for (const pattern of SHAPED_SECRETS) {
    out = out.replace(pattern, (_match, bearer?: string) => (typeof bearer === "string" ? `${bearer}***` : "***"));
  }
  return out;
}

/** The message with every text it carries masked (`maskSecrets`). */
export function maskMessage<M extends AlertMessage>(message: M, secrets: readonly (string | undefined)[] = []): M {
  const mask = (text: string) => maskSecrets(text, secrets);
  const facts = message.facts.map((fact) => ({ label: mask(fact.label), value: mask(fact.value) }));
  const links = message.links.map((link) => ({ label: mask(link.label), url: link.url }));
  if (message.type === "resolved") return { ...message, summary: mask(message.summary), facts, links };
  return {
    ...message,
    summary: mask(message.summary),
    ...(message.detail === undefined ? {} : { detail: mask(message.detail) }),
    facts,
    reasons: message.reasons.map((reason) => ({
      ...reason,
      label: mask(reason.label),
      text: mask(reason.text),
      examples: reason.examples.map(mask),
    })),
    links,
  };
}
