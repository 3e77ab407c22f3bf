import type { Field } from "@aws-sdk/client-redshift-data";
import type { SeriesRow, WarehouseReader } from "@market-data/core/ports";
import { type SeriesReadQuery, seriesReadSql } from "@market-data/core/warehouse/read-sql";
import { type DataApi, READ_WAIT, type ResultSet } from "./data-api.js";

/**
 * The API's reads in AWS: one ExecuteStatement per page, every request value a Data API `Parameter`, then
 * GetStatementResult (all its pages: a page of the API is at most 1,001 rows, well within one result).
 */
export class RedshiftSeriesReader implements WarehouseReader {
  constructor(private readonly api: DataApi) {}

  async readSeries(query: SeriesReadQuery): Promise<SeriesRow[]> {
    const { sql, params } = seriesReadSql("redshift", query);
    return rowsOf(await this.api.query(sql, params, READ_WAIT));
  }
}

/** A result set as plain rows keyed by column name. */
export function rowsOf(result: ResultSet): SeriesRow[] {
  return result.records.map((record) => {
    const row: SeriesRow = {};
    result.columns.forEach((name, index) => {
      row[name] = fieldValue(record[index]);
    });
    return row;
  });
}

function fieldValue(field: Field | undefined): string | number | boolean | null {
  if (field === undefined || field.isNull === true) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  return null;
}
