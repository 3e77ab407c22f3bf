import type { Alert, AlertResolution, IncidentReader, Notifier } from "@market-data/core/ports";

/** The logging an alert publisher needs (Powertools' Logger has it). */
export interface AlertLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn?(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * How handlers raise and resolve alerts: never throwing (an alert that cannot be sent must not replace the error
 * it is about, nor fail the data it describes), logging every alert at ERROR as `ALERT` with the whole alert when
 * there is no notifier or the notifier failed, so the logs still show it.
 */
export class AlertPublisher {
  constructor(
    private readonly notifier: Notifier | undefined,
    private readonly log: AlertLog,
    /** Open incidents; without it nothing is ever resolved (the publisher cannot tell what is open). */
    private readonly incidents?: IncidentReader,
  ) {}

  /** Publishes the alert; true when the notifier took it. */
  async raise(alert: Alert): Promise<boolean> {
    if (this.notifier === undefined) {
      this.log.error("ALERT", { alert });
      return false;
    }
    try {
      await this.notifier.publish(alert);
      this.log.info("alert published", { incidentKey: alert.incidentKey, kind: alert.kind });
      return true;
    } catch (error) {
      this.log.error("ALERT", { alert, publishError: String(error) });
      return false;
    }
  }

  /**
   * Publishes the resolution when its incident is open (cheap: one small read), so a success does not announce
   * the end of something that never began. True when it published.
   */
  async resolveIfOpen(resolution: AlertResolution): Promise<boolean> {
    if (this.notifier === undefined || this.incidents === undefined) return false;
    let open: boolean;
    try {
      open = (await this.incidents.get(resolution.incidentKey)) !== undefined;
    } catch (error) {
      // Not knowing is not a failure of the work at hand (e.g. no read grant on the ledger): no resolution.
      (this.log.warn ?? this.log.info).call(this.log, "cannot read the incident ledger; no resolution published", {
        incidentKey: resolution.incidentKey,
        error: String(error),
      });
      return false;
    }
    if (!open) return false;
    try {
      await this.notifier.publish(resolution);
      this.log.info("resolution published", { incidentKey: resolution.incidentKey, kind: resolution.kind });
      return true;
    } catch (error) {
      this.log.error("could not publish a resolution", { resolution, publishError: String(error) });
      return false;
    }
  }
}
