/** Slack's Block Kit limits (docs.slack.dev reference: blocks, composition objects, block elements). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  /** Not a Block Kit limit (Slack truncates `text` at 40,000); kept short so previews and logs stay readable. */
  messageText: 3000,
} as const;

/** Text cut to `max` characters, ending with `…` when cut. Cuts between UTF-16 surrogates are avoided. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
interface Mrkdwn {
  type: "mrkdwn";
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface HeaderBlock {
  type: "header";
  text: PlainText;
}
export interface SectionBlock {
  type: "section";
  text?: Mrkdwn;
  fields?: Mrkdwn[];
}
export interface ContextBlock {
  type: "context";
  elements: TextObject[];
}
export interface ButtonElement {
  type: "button";
  text: PlainText;
  url: string;
  action_id: string;
}
export interface ActionsBlock {
  type: "actions";
  elements: ButtonElement[];
}
export interface DividerBlock {
  type: "divider";
}
/** The blocks the alert messages use. */
export type AlertBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock;

/** Every Slack limit a message breaks, as sentences (empty: Slack accepts it). Used by tests and as a guard. */
export function blockKitViolations(message: { text: string; blocks: readonly AlertBlock[] }): string[] {
  const out: string[] = [];
  const L = SLACK_LIMITS;
  if (message.text.length > L.messageText) out.push(`text has ${message.text.length} > ${L.messageText} characters`);
  if (message.blocks.length > L.blocksPerMessage) out.push(`${message.blocks.length} > ${L.blocksPerMessage} blocks`);
  message.blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    switch (block.type) {
      case "header":
        if (block.text.type !== "plain_text") out.push(`${at}: header text must be plain_text`);
        if (block.text.text.length > L.headerText) out.push(`${at}: ${block.text.text.length} > ${L.headerText}`);
        break;
      case "section":
        if (block.text === undefined && (block.fields ?? []).length === 0) out.push(`${at}: needs text or fields`);
        if (block.text && block.text.text.length > L.sectionText) out.push(`${at}: text > ${L.sectionText}`);
        if ((block.fields ?? []).length > L.fieldsPerSection) out.push(`${at}: > ${L.fieldsPerSection} fields`);
        for (const field of block.fields ?? []) {
          if (field.text.length > L.fieldText) out.push(`${at}: a field > ${L.fieldText}`);
        }
        break;
      case "context":
        if (block.elements.length === 0 || block.elements.length > L.contextElements) {
          out.push(`${at}: ${block.elements.length} elements`);
        }
        for (const element of block.elements) {
          if (element.text.length > L.contextText) out.push(`${at}: an element > ${L.contextText}`);
        }
        break;
      case "actions":
        if (block.elements.length === 0 || block.elements.length > L.actionsElements) {
          out.push(`${at}: ${block.elements.length} elements`);
        }
        for (const button of block.elements) {
          if (button.text.text.length > L.buttonText) out.push(`${at}: button text > ${L.buttonText}`);
          if (button.url.length > L.buttonUrl || !/^https?:\/\//.test(button.url)) out.push(`${at}: bad button url`);
        }
        break;
      case "divider":
        break;
    }
  });
  return out;
}
