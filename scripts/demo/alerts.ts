import { alertText } from "@market-data/core/alerts/index";
import type { AlertMessage } from "@market-data/core/ports";
import type { AlertConsole } from "../../packages/functions/src/adapters/local-notifier.ts";

/** The runtime prints nothing as alerts happen: the demo prints them as one section after the summary. */
export function quietAlertConsole(): AlertConsole {
  const quiet = () => {};
  return { error: quiet, warn: quiet, info: quiet };
}

/** The alerts of this run as Slack would get them (text form), and where they were written. */
export function printAlerts(published: readonly AlertMessage[], where: string): void {
  console.log(`\n── Alerts (${published.length} this run → ${where}) ${"─".repeat(20)}`);
  if (published.length === 0) {
    console.log("none: nothing new failed the gate (an unchanged file is not validated twice)");
    return;
  }
  for (const message of published) console.log(`\n${alertText(message)}`);
}
