import {
  type AlertKind,
  INCIDENTS_PREFIX,
  type IncidentLedger,
  type IncidentRecord,
  incidentRecordKey,
} from "@market-data/core/alerts/index";
import type { ObjectStore } from "@market-data/core/ports";

/**
 * The incident ledger as one small JSON object per open incident under `_control/alerts/incidents/` of the data
 * bucket: no table to create, S3 in AWS and the folder bucket offline. `open` is a conditional create
 * (`If-None-Match: *` on S3, a hard link offline), so one deliverer wins a new incident; other writes are
 * last-writer-wins.
 */
export class ObjectStoreIncidentLedger implements IncidentLedger {
  constructor(private readonly objects: ObjectStore) {}

  async get(incidentKey: string): Promise<IncidentRecord | undefined> {
    const bytes = await this.objects.getBytes(incidentRecordKey(incidentKey));
    if (bytes === undefined) return undefined;
    const record = JSON.parse(Buffer.from(bytes).toString("utf8")) as IncidentRecord;
    // A hash collision would hand back another incident: treat it as absent.
    return record.incidentKey === incidentKey ? record : undefined;
  }

  async put(record: IncidentRecord): Promise<void> {
    await this.objects.put(incidentRecordKey(record.incidentKey), JSON.stringify(record, null, 2), {
      contentType: "application/json",
    });
  }

  open(record: IncidentRecord): Promise<boolean> {
    return this.objects.putIfAbsent(incidentRecordKey(record.incidentKey), JSON.stringify(record, null, 2), {
      contentType: "application/json",
    });
  }

  async delete(incidentKey: string): Promise<void> {
    await this.objects.delete(incidentRecordKey(incidentKey));
  }

  async list(kind?: AlertKind): Promise<IncidentRecord[]> {
    const records: IncidentRecord[] = [];
    for await (const info of this.objects.list(INCIDENTS_PREFIX)) {
      const bytes = await this.objects.getBytes(info.key);
      if (bytes === undefined) continue;
      const record = JSON.parse(Buffer.from(bytes).toString("utf8")) as IncidentRecord;
      if (kind === undefined || record.kind === kind) records.push(record);
    }
    return records;
  }
}
