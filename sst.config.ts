/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    // Production stages hold real data: `sst remove` leaves their resources, and Pulumi refuses to delete them.
    // Same rule as stacks/stage.ts (no imports here: SST evaluates app() before it installs anything).
    const production = input?.stage === "production" || input?.stage === "prod";
    return {
      name: "market-data",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    // In the order of the flow: each slice imports what it depends on (stacks/*.ts).
    const storage = await import("./stacks/storage");
    const ingest = await import("./stacks/ingest");
    const transform = await import("./stacks/transform");
    const warehouse = await import("./stacks/warehouse");
    const api = await import("./stacks/api");
    const alerts = await import("./stacks/alerts");
    await import("./stacks/providers");
    const web = await import("./stacks/web");
    await import("./stacks/local");

    return {
      bucket: storage.bucket.name,
      latestPricesTable: storage.latestPrices.name,
      ingestQueue: ingest.ingestQueue.url,
      ingestDlq: ingest.dlq.url,
      api: api.api.url,
      alertsTopic: alerts.alerts.arn,
      transformJob: transform.transformJob.name,
      warehouseWorkgroup: warehouse.workgroup.workgroupName,
      // For the one-time database grants (DEPLOY.md): the admin secret, and the roles whose database users get them.
      warehouseAdminSecret: warehouse.namespace.adminPasswordSecretArn,
      warehouseMergeRole: warehouse.mergeSubscriber.nodes.function.role,
      mergeFunction: warehouse.mergeSubscriber.nodes.function.name,
      apiRole: api.apiRoute.nodes.function.role,
      web: web.site.url,
    };
  },
});
