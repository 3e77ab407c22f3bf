// Assertions over the transform, warehouse, API and web slices: the Glue job and its schedule, Redshift and the
// merge, the API that reads it, the dashboard.
import { controlKeys } from "@market-data/core/keys";
import { type GlueJobState, glueJobStateChange, matchesEventPattern, sstBusPattern } from "./aws-semantics";
import {
  callsTo,
  check,
  component,
  componentsOf,
  functionSites,
  grants,
  linkedPermissions,
  list,
  pathOf,
  record,
} from "./graph";
import { type Graph, refMeta, render } from "./sst-globals";

const START_TRANSFORM = "packages/functions/src/start-transform.handler";
const MERGE = "packages/functions/src/merge.handler";

const STATES: readonly GlueJobState[] = ["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"];

/** The service an IAM role trusts (`assumeRolePolicyForPrincipal({ Service })`). */
function trustedService(graph: Graph, roleArn: unknown): string {
  const name = pathOf(roleArn)?.replace(/\.arn$/, "") ?? "";
  const policy = record(record(component(graph, "aws.iam.Role", name).args).assumeRolePolicy);
  return String(record(record(list(policy.Statement)[0]).Principal).Service);
}

/** Which Glue job states of `jobName` (and of another job) a pattern accepts. */
function statesAccepted(pattern: unknown, jobName: string): { own: GlueJobState[]; other: GlueJobState[] } {
  return {
    own: STATES.filter((s) => matchesEventPattern(pattern, glueJobStateChange(jobName, s))),
    other: STATES.filter((s) => matchesEventPattern(pattern, glueJobStateChange(`${jobName}-other`, s))),
  };
}

/** One Glue 5.0 job run at a time, its script from the repo, started on a schedule by start-transform. */
export function assertTransformWiring(
  graph: Graph,
  expected: { jobName: string; script: string; library: string },
): void {
  const job = record(component(graph, "aws.glue.Job", "TransformJob").args);
  check(job.name === expected.jobName, `the Glue job is named ${String(job.name)}, expected ${expected.jobName}`);
  check(job.glueVersion === "5.0", `Glue version ${String(job.glueVersion)}, expected 5.0`);
  check(record(job.executionProperty).maxConcurrentRuns === 1, "the Glue job must run one run at a time");
  check(typeof job.timeout === "number" && job.timeout > 0, "the Glue job needs a timeout (minutes)");
  check(typeof job.maxRetries === "number" && job.maxRetries >= 0, "the Glue job needs an explicit maxRetries");
  check(
    trustedService(graph, job.roleArn) === "glue.amazonaws.com",
    "the Glue job's role must trust glue.amazonaws.com",
  );

  const command = record(job.command);
  const scriptLocation = render(command.scriptLocation);
  const scripts = componentsOf(graph, "aws.s3.BucketObjectv2").filter((o) =>
    scriptLocation.endsWith(`/{{${o.name}.key}}`),
  );
  check(command.name === "glueetl" && scripts.length === 1, `the job's script location ${scriptLocation} is unknown`);
  const script = record(scripts[0]?.args);
  check(scriptLocation === `s3://${render(script.bucket)}/{{${scripts[0]?.name}.key}}`, "script bucket mismatch");
  check(record(script.source).path === expected.script, `the job runs ${JSON.stringify(script.source)}`);
  const defaults = record(job.defaultArguments);
  for (const root of ["--curated_root", "--output_root"]) {
    check(render(defaults[root]).startsWith("s3://{{Data.name}}/"), `${root} must point into the Data bucket`);
  }
  const library = componentsOf(graph, "aws.s3.BucketObjectv2").find((o) =>
    render(defaults["--extra-py-files"]).endsWith(`/{{${o.name}.key}}`),
  );
  check(
    JSON.stringify(record(library?.args).source).includes(JSON.stringify(expected.library)),
    `--extra-py-files must be the zipped ${expected.library} package`,
  );

  const crons = componentsOf(graph, "sst.aws.CronV2").filter(
    (c) => record(record(c.args).function).handler === START_TRANSFORM,
  );
  check(crons.length === 1, `expected one schedule running start-transform, found ${crons.length}`);
  const cron = record(crons[0]?.args);
  check(/^(rate|cron)\(.+\)$/.test(String(cron.schedule)), `schedule ${String(cron.schedule)}`);
  const fn = record(cron.function);
  check(
    render(record(fn.environment).TRANSFORM_JOB_NAME) === "{{TransformJob.name}}",
    "start-transform needs the job name",
  );
  const linked = list(fn.link).map((l) => pathOf(l) ?? "");
  const grants = linked.flatMap((name) => {
    const linkable = componentsOf(graph, "sst.Linkable").find((c) => c.name === name);
    return list(record(linkable?.args).include).map(record);
  });
  check(
    grants.some(
      (g) =>
        list(g.actions).includes("glue:StartJobRun") && list(g.resources).map(render).includes("{{TransformJob.arn}}"),
    ),
    "start-transform must be linked to StartJobRun on this job only",
  );
}

/** Redshift Serverless with its COPY role; SUCCEEDED runs → merge, FAILED / TIMEOUT / STOPPED → alerts topic. */
export function assertWarehouseWiring(graph: Graph, expected: { jobName: string }): void {
  const workgroup = record(component(graph, "aws.redshiftserverless.Workgroup", "WarehouseWorkgroup").args);
  const namespace = record(component(graph, "aws.redshiftserverless.Namespace", "WarehouseNamespace").args);
  check(workgroup.baseCapacity === 8, `base capacity ${String(workgroup.baseCapacity)} RPU, expected the minimum 8`);
  check(workgroup.publiclyAccessible === false, "the workgroup must not be publicly accessible");
  check(render(workgroup.namespaceName) === "{{WarehouseNamespace.namespaceName}}", "workgroup in another namespace");
  check(namespace.manageAdminPassword === true, "the admin password must be managed by Redshift (Secrets Manager)");
  const copyRole = list(namespace.iamRoles)[0];
  check(
    trustedService(graph, copyRole) === "redshift.amazonaws.com",
    "the COPY role must trust redshift.amazonaws.com",
  );

  const subscriptions = callsTo(graph, "sst.aws.Bus.subscribe").filter((c) => record(c.args[2]).handler === MERGE);
  check(subscriptions.length === 1, `expected one Bus subscription running merge, found ${subscriptions.length}`);
  const [, busArn, subscriber, options] = subscriptions[0]?.args ?? [];
  const bus = callsTo(graph, "aws.cloudwatch.getEventBusOutput").find(
    (c) => pathOf(busArn) === `${pathOf(c.result)}.arn`,
  );
  check(record(bus?.args[0]).name === "default", "Glue state changes arrive on the default event bus");
  const merge = statesAccepted(sstBusPattern(record(options).pattern), expected.jobName);
  check(
    merge.own.join() === "SUCCEEDED" && merge.other.length === 0,
    `merge runs on ${merge.own.join("/") || "nothing"} of this job and ${merge.other.join("/") || "nothing"} of others`,
  );

  const alerts = `{{${component(graph, "sst.aws.SnsTopic", "Alerts").name}.arn}}`;
  const toAlerts = componentsOf(graph, "aws.cloudwatch.EventTarget").filter(
    (t) => render(record(t.args).arn) === alerts,
  );
  check(toAlerts.length === 1, `expected one EventBridge target on the alerts topic, found ${toAlerts.length}`);
  const ruleName = pathOf(record(toAlerts[0]?.args).rule)?.replace(/\.name$/, "") ?? "";
  const rule = record(component(graph, "aws.cloudwatch.EventRule", ruleName).args);
  const failed = statesAccepted(refMeta(rule.eventPattern)?.value, expected.jobName);
  check(
    failed.own.join() === "FAILED,TIMEOUT,STOPPED" && failed.other.length === 0,
    `the alert rule takes ${failed.own.join("/") || "nothing"} of this job and ${failed.other.join("/") || "nothing"} of others`,
  );
  const policy = componentsOf(graph, "aws.sns.TopicPolicy").map((p) =>
    JSON.stringify(refMeta(record(p.args).policy)?.value),
  );
  check(
    policy.some((p) => p.includes("events.amazonaws.com") && p.includes("sns:Publish")),
    "the alerts topic policy must let EventBridge publish",
  );
  check(
    functionSites(graph).some((f) => f.args.handler === MERGE),
    "no merge function",
  );
  assertMergeAccess(graph, record(subscriber), render(copyRole));
}

/**
 * The merge gets what its code uses: the warehouse it runs statements on (temporary credentials, one transaction per
 * batch), the run's --run_id from Glue's GetJobRun, the run manifest, the COPY role, the alerts topic.
 */
function assertMergeAccess(graph: Graph, fn: Record<string, unknown>, copyRole: string): void {
  const env = record(fn.environment);
  const expectedEnv: Record<string, string> = {
    DATA_BUCKET: "{{Data.name}}",
    REDSHIFT_WORKGROUP: "{{WarehouseWorkgroup.workgroupName}}",
    REDSHIFT_DATABASE: "{{WarehouseNamespace.dbName}}",
    REDSHIFT_COPY_ROLE_ARN: copyRole,
    ALERTS_TOPIC_ARN: `{{${component(graph, "sst.aws.SnsTopic", "Alerts").name}.arn}}`,
  };
  for (const [name, value] of Object.entries(expectedEnv)) {
    check(render(env[name]) === value, `merge ${name} is ${render(env[name])}, expected ${value}`);
  }
  const linked = linkedPermissions(graph, fn.link);
  for (const action of ["redshift-data:BatchExecuteStatement", "redshift-serverless:GetCredentials"]) {
    check(grants(linked, action, "{{WarehouseWorkgroup.arn}}"), `merge must be linked to ${action} on the workgroup`);
  }
  const own = list(fn.permissions).map((p) => ({
    actions: list(record(p).actions).map(render),
    resources: list(record(p).resources).map(render),
  }));
  check(grants(own, "glue:GetJobRun", "{{TransformJob.arn}}"), "merge must be allowed glue:GetJobRun on the job");
  const manifest = `{{Data.arn}}/${controlKeys.runManifest("r1")}`;
  check(grants(own, "s3:GetObject", manifest), `merge must be allowed to read ${manifest}`);
  check(grants(own, "sns:Publish", expectedEnv.ALERTS_TOPIC_ARN ?? ""), "merge must be allowed to publish alerts");
}

/** The Hono API: one `$default` route on an HTTP API with CORS, the API key from an sst.Secret. */
export function assertApiWiring(graph: Graph): void {
  const apis = componentsOf(graph, "sst.aws.ApiGatewayV2");
  check(apis.length === 1, `expected one HTTP API, found ${apis.length}`);
  const api = apis[0];
  check(api !== undefined && record(api.args).cors === true, "the HTTP API must answer CORS preflights");
  const routes = callsTo(graph, `${api.name}.route`);
  check(routes.length === 1 && routes[0]?.args[0] === "$default", "the API has exactly one route, $default");
  const fn = record(routes[0]?.args[1]);
  check(fn.handler === "packages/functions/src/api.handler", `the API route runs ${String(fn.handler)}`);
  const env = record(fn.environment);
  const secret = component(graph, "sst.Secret", "ApiKey");
  check(render(env.API_KEY) === render(secret.ref.value), `API_KEY is ${render(env.API_KEY)}, not the ApiKey secret`);
  check(render(env.DATA_BUCKET) === "{{Data.name}}", "the API reads the Data bucket");
  check(render(env.LATEST_PRICES_TABLE) === "{{LatestPrices.name}}", "the API reads the LatestPrices table");
  // Bars and indicators: without both, the API answers 503 on those routes rather than failing its deploy.
  check(
    render(env.REDSHIFT_WORKGROUP) === "{{WarehouseWorkgroup.workgroupName}}",
    `the API's REDSHIFT_WORKGROUP is ${render(env.REDSHIFT_WORKGROUP)}, not the warehouse workgroup`,
  );
  check(
    render(env.REDSHIFT_DATABASE) === "{{WarehouseNamespace.dbName}}",
    `the API's REDSHIFT_DATABASE is ${render(env.REDSHIFT_DATABASE)}, not the warehouse database`,
  );
  const grants = linkedPermissions(graph, fn.link);
  const granted = (action: string) =>
    grants.some((g) => g.actions.includes(action) && g.resources.includes("{{WarehouseWorkgroup.arn}}"));
  check(
    granted("redshift-data:ExecuteStatement") && granted("redshift-serverless:GetCredentials"),
    "the API must be linked to ExecuteStatement and GetCredentials on the workgroup",
  );
  check(!granted("redshift-data:BatchExecuteStatement"), "the API only reads: no BatchExecuteStatement");
  check(render(graph.outputs.api) === render(api.ref.url), "the stack outputs the API URL as `api`");
}

/** The dashboard is built with the deployed API's URL. */
export function assertWebWiring(graph: Graph): void {
  const site = record(component(graph, "sst.aws.StaticSite", "Web").args);
  check(site.path === "packages/web", `the site is built from ${String(site.path)}`);
  check(render(record(site.environment).VITE_API_URL) === "{{Api.url}}", "the site must be built with the API URL");
}
