// `npm run migrate`: brings the warehouse schema (market_data.fct_bars, merge_runs) up to date. Idempotent.
import { parseArgs } from "node:util";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { fullSchemaSql } from "../packages/core/src/warehouse/migrations.ts";
import { DIALECTS, type Dialect } from "../packages/core/src/warehouse/sql.ts";
import { FolderObjectStore } from "../packages/functions/src/adapters/folder-object-store.ts";
import { openOfflineWarehouse } from "../packages/functions/src/warehouse/open-offline.ts";
import { DataApi } from "../packages/functions/src/warehouse/redshift/data-api.ts";
import { migrateRedshift } from "../packages/functions/src/warehouse/redshift/redshift-warehouse.ts";

const { values } = parseArgs({
  options: {
    root: { type: "string", default: ".local" },
    redshift: { type: "boolean", default: false },
    print: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run migrate -- [--root .local] | --redshift | --print postgres|redshift

Applies the pending warehouse migrations and prints what it applied (nothing, when up to date):
  (default)    the offline warehouse: PGlite under <root>/warehouse, or the PostgreSQL server at DATABASE_URL
  --redshift   Redshift Serverless through the Data API: REDSHIFT_WORKGROUP and REDSHIFT_DATABASE, AWS credentials
               and region from the environment (the merge function also migrates on its first run)
  --print D    prints the whole schema's SQL for dialect D and changes nothing`);
  process.exit(0);
}

if (values.print !== undefined) {
  const dialect = DIALECTS.find((d) => d === values.print);
  if (dialect === undefined) {
    console.error(`--print takes ${DIALECTS.join(" or ")} (got ${values.print})`);
    process.exit(2);
  }
  console.log(`${fullSchemaSql(dialect satisfies Dialect).join(";\n\n")};`);
  process.exit(0);
}

if (values.redshift) {
  const workgroupName = process.env.REDSHIFT_WORKGROUP ?? "";
  const database = process.env.REDSHIFT_DATABASE ?? "";
  if (workgroupName === "" || database === "") {
    console.error("--redshift needs REDSHIFT_WORKGROUP and REDSHIFT_DATABASE in the environment");
    process.exit(2);
  }
  const result = await migrateRedshift(new DataApi(new RedshiftDataClient({}), { workgroupName, database }));
  console.log(JSON.stringify({ warehouse: `redshift:${workgroupName}/${database}`, ...result }));
} else {
  const { warehouse, client, where } = await openOfflineWarehouse({
    objects: new FolderObjectStore(`${values.root}/bucket`),
    root: values.root,
  });
  // openOfflineWarehouse has migrated; migrate() hands back what that first run applied.
  console.log(JSON.stringify({ warehouse: where, ...(await warehouse.migrate()) }));
  await client.close();
}
