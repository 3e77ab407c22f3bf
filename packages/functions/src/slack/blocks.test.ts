import type { Alert } from "@market-data/core/ports";
import { describe, expect, it } from "vitest";
import { slackMessageOf } from "./blocks.js";
import { blockKitViolations, SLACK_LIMITS } from "./limits.js";

const base: Alert = {
  type: "alert",
  kind: "quality_gate_failed",
  severity: "warning",
  incidentKey: "quality:raw/demo/csv/GATEFAIL.csv",
  source: "validate",
  summary: "Quality gate failed (file.rejection_rate): raw/demo/csv/GATEFAIL.csv",
  detail: "25% of records were rejected (10 of 40), above the 5% threshold",
  facts: [{ label: "Records", value: "40 evaluated · 10 rejected · 0 warned" }],
  reasons: [
    { label: "ohlc.high_bounds", count: 10, text: "high is below max(open, close, low)", examples: ["row 4: {…}"] },
  ],
  links: [{ label: "Report", url: "https://s3.console.aws.amazon.com/s3/object/b?prefix=r" }],
  at: "2024-06-28T12:00:00.000Z",
};

const textOf = (blocks: unknown) => JSON.stringify(blocks);

describe("Block Kit of an alert", () => {
  it("stays within Slack's limits with 200 long reasons, long examples, 25 facts and a 1,000-character summary", () => {
    const long: Alert = {
      ...base,
      summary: `Quality gate failed: raw/${"x".repeat(1000)}.csv`,
      detail: "d".repeat(10_000),
      facts: Array.from({ length: 25 }, (_, i) => ({ label: `Fact ${i}`, value: "v".repeat(5000) })),
      reasons: Array.from({ length: 200 }, (_, i) => ({
        label: `rule.${i}`,
        count: 1000 - i,
        text: "because ".repeat(600),
        examples: Array.from({ length: 20 }, (_, j) => `row ${j}: ${"{".repeat(2000)}`),
      })),
      links: Array.from({ length: 40 }, (_, i) => ({ label: `Link ${i} ${"l".repeat(100)}`, url: `https://x/${i}` })),
    };
    const message = slackMessageOf(long);
    expect(blockKitViolations(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const header = message.blocks[0];
    expect(header?.type === "header" && header.text.text.length).toBe(SLACK_LIMITS.headerText);
    expect(header?.type === "header" && header.text.text.endsWith("…")).toBe(true);
    // The top 8 reasons are shown; the rest are counted, with the records they rejected.
    const rest = Array.from({ length: 192 }, (_, i) => 1000 - 8 - i).reduce((a, b) => a + b, 0);
    expect(textOf(message.blocks)).toContain(`…and 192 more rules (${rest} records): see the report`);
    expect(textOf(message.blocks)).toContain("*rule.7* ×993");
    expect(textOf(message.blocks)).not.toContain("*rule.8*");
    // 25 facts over three sections of at most 10 fields.
    const fields = message.blocks
      .filter((b) => b.type === "section" && b.fields)
      .map((b) => (b.type === "section" ? b.fields?.length : 0));
    expect(fields).toEqual([10, 10, 5]);
  });

  it("catches what breaks the limits (the guard itself can fail)", () => {
    const header = { type: "header" as const, text: { type: "plain_text" as const, text: "h".repeat(151) } };
    const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" as const }));
    expect(blockKitViolations({ text: "t", blocks: [header] })).toEqual(["block 0 (header): 151 > 150"]);
    expect(blockKitViolations({ text: "t".repeat(3001), blocks: tooMany })).toEqual([
      "text has 3001 > 3000 characters",
      "51 > 50 blocks",
    ]);
  });

  it("escapes Slack's control characters, so text cannot become a link or a mention", () => {
    const message = slackMessageOf({ ...base, detail: "<!channel> & <https://evil|click>" });
    expect(textOf(message.blocks)).toContain("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
  });

  it("shows web links as buttons and offline paths as text", () => {
    const message = slackMessageOf({
      ...base,
      links: [
        { label: "Report", url: "https://s3.console.aws.amazon.com/x" },
        { label: "Quarantine", url: "file:///srv/.local/bucket/quarantine/" },
      ],
    });
    const actions = message.blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && actions.elements.map((e) => e.url)).toEqual([
      "https://s3.console.aws.amazon.com/x",
    ]);
    expect(textOf(message.blocks)).toContain("Quarantine: `file:///srv/.local/bucket/quarantine/`");
  });

  it("renders a resolution as a short reply", () => {
    const message = slackMessageOf({
      type: "resolved",
      kind: "quality_gate_failed",
      incidentKey: base.incidentKey,
      source: "validate",
      summary: "raw/demo/csv/GATEFAIL.csv passes the quality gate again",
      facts: [],
      links: [],
      at: "2024-06-29T12:00:00.000Z",
    });
    expect(message.text).toBe("✅ Resolved: raw/demo/csv/GATEFAIL.csv passes the quality gate again");
    expect(message.blocks.map((b) => b.type)).toEqual(["section", "context"]);
    expect(blockKitViolations(message)).toEqual([]);
  });
});
