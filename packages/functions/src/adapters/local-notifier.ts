import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { alertText, incidentAfter, maskMessage } from "@market-data/core/alerts/index";
import type { AlertMessage, IncidentLedger, Notifier } from "@market-data/core/ports";

/** Where the offline notifier also writes: a few lines on the console per alert. */
export interface AlertConsole {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

/**
 * Alerts offline without Slack: one JSON line per alert or resolution appended to a file (`.local/alerts.jsonl`),
 * and the alert as text on the console (what Slack would show). Appends are whole lines, so a reader never sees
 * half an alert. With a ledger it also keeps the open incidents, as the slack function does in AWS, so publishers
 * resolve only what is open.
 */
export class LocalNotifier implements Notifier {
  constructor(
    readonly path: string,
    private readonly out: AlertConsole = console,
    private readonly incidents?: IncidentLedger,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const masked = maskMessage(message);
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(masked)}\n`, "utf8");
    const text = alertText(masked);
    if (masked.type === "resolved") this.out.info(text);
    else if (masked.severity === "error") this.out.error(text);
    else if (masked.severity === "warning") this.out.warn(text);
    else this.out.info(text);
    if (this.incidents === undefined) return;
    if (masked.type === "resolved") await this.incidents.delete(masked.incidentKey);
    else await this.incidents.put(incidentAfter(await this.incidents.get(masked.incidentKey), masked));
  }
}
