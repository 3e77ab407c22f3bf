import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Alert, Notifier } from "@market-data/core/ports";

/** Where the offline notifier also writes: a line on the console per alert. */
export interface AlertConsole {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

/**
 * Alerts offline: one JSON line per alert appended to a file (`.local/alerts.jsonl`), and a line on the console.
 * Appends are whole lines, so a reader never sees half an alert.
 */
export class LocalNotifier implements Notifier {
  constructor(
    readonly path: string,
    private readonly out: AlertConsole = console,
  ) {}

  async publish(alert: Alert): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(alert)}\n`, "utf8");
    const line = `[alert ${alert.severity}] ${alert.source}: ${alert.title} — ${alert.message}`;
    if (alert.severity === "error") this.out.error(line);
    else if (alert.severity === "warning") this.out.warn(line);
    else this.out.info(line);
  }
}
