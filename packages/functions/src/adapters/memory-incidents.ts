import type { AlertKind, IncidentLedger, IncidentRecord } from "@market-data/core/alerts/index";

/** The incident ledger in memory: tests, and anything that needs no memory across restarts. */
export class MemoryIncidentLedger implements IncidentLedger {
  readonly records = new Map<string, IncidentRecord>();

  async get(incidentKey: string): Promise<IncidentRecord | undefined> {
    const record = this.records.get(incidentKey);
    return record === undefined ? undefined : structuredClone(record);
  }

  async put(record: IncidentRecord): Promise<void> {
    this.records.set(record.incidentKey, structuredClone(record));
  }

  async open(record: IncidentRecord): Promise<boolean> {
    if (this.records.has(record.incidentKey)) return false;
    this.records.set(record.incidentKey, structuredClone(record));
    return true;
  }

  async delete(incidentKey: string): Promise<void> {
    this.records.delete(incidentKey);
  }

  async list(kind?: AlertKind): Promise<IncidentRecord[]> {
    return [...this.records.values()]
      .filter((r) => kind === undefined || r.kind === kind)
      .map((r) => structuredClone(r));
  }
}
