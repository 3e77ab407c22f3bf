// Reading the recorded graph: components and calls by name, the functions the app defines wherever they are
// declared, and every IAM statement it grants (explicit, through links, in policy documents).
import { type CallRecord, type ComponentRecord, type Graph, refMeta, render } from "./sst-globals";

export class WiringError extends Error {
  override readonly name = "WiringError";
}

/** Throws a WiringError with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new WiringError(message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && refMeta(value) === undefined;
}

/** `value` as a record, or an empty one (so a missing argument reads as missing fields, not as a crash). */
export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The path of a Ref (`Ingest.arn`), or undefined for plain values. */
export const pathOf = (value: unknown): string | undefined => refMeta(value)?.path;

export function componentsOf(graph: Graph, type: string): readonly ComponentRecord[] {
  return graph.components.filter((c) => c.type === type);
}

export function findComponent(graph: Graph, type: string, name: string): ComponentRecord | undefined {
  return graph.components.find((c) => c.type === type && c.name === name);
}

export function component(graph: Graph, type: string, name: string): ComponentRecord {
  const found = findComponent(graph, type, name);
  check(found !== undefined, `no ${type} named "${name}" in the graph`);
  return found;
}

export function callsTo(graph: Graph, path: string): readonly CallRecord[] {
  return graph.calls.filter((c) => c.path === path);
}

/** A function the app defines: through a subscription, a route, a cron job or as a Function component. */
export interface FunctionSite {
  /** Where it is declared, for messages: `Ingest.subscribe`, `Api.route $default`, `TransformSchedule`, … */
  readonly site: string;
  readonly args: Record<string, unknown>;
  /** The Ref of the component or subscription result the function belongs to (its `nodes.function`). */
  readonly owner: unknown;
}

function functionArgs(value: unknown): Record<string, unknown> {
  return typeof value === "string" ? { handler: value } : record(value);
}

export function functionSites(graph: Graph): FunctionSite[] {
  const sites: FunctionSite[] = [];
  for (const call of graph.calls) {
    const [first, second, third] = call.args;
    const on = graph.components.find((c) => call.path.startsWith(`${c.name}.`));
    if (on?.type === "sst.aws.Queue" && call.path.endsWith(".subscribe")) {
      sites.push({ site: call.path, args: functionArgs(first), owner: call.result });
    } else if (on?.type === "sst.aws.SnsTopic" && call.path.endsWith(".subscribe")) {
      sites.push({ site: `${call.path} ${render(first)}`, args: functionArgs(second), owner: call.result });
    } else if (on?.type === "sst.aws.ApiGatewayV2" && call.path.endsWith(".route")) {
      sites.push({ site: `${call.path} ${render(first)}`, args: functionArgs(second), owner: call.result });
    } else if (call.path === "sst.aws.Bus.subscribe") {
      sites.push({ site: `${call.path} ${render(first)}`, args: functionArgs(third), owner: call.result });
    }
  }
  for (const cron of componentsOf(graph, "sst.aws.CronV2")) {
    sites.push({ site: cron.name, args: functionArgs(record(cron.args).function), owner: cron.ref });
  }
  for (const fn of componentsOf(graph, "sst.aws.Function")) {
    sites.push({ site: fn.name, args: record(fn.args), owner: fn.ref });
  }
  return sites;
}

/** One IAM statement, every Ref rendered: actions, resources and where it was granted. */
export interface Statement {
  readonly origin: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: unknown;
}

/** An SST permission (`{ actions, resources, effect?, conditions? }`) as a Statement. */
function fromPermission(origin: string, permission: unknown): Statement {
  const p = record(permission);
  return {
    origin,
    effect: p.effect === "deny" ? "Deny" : "Allow",
    actions: list(p.actions).map(render),
    resources: list(p.resources).map(render),
    conditions: p.conditions,
  };
}

/** What linking a component grants, as SST 4's getSSTLink() does (checked against its source). */
function linkGrants(graph: Graph, origin: string, linked: unknown): Statement[] {
  const path = pathOf(linked);
  const target = graph.components.find((c) => c.name === path);
  check(target !== undefined, `${origin} links ${render(linked)}, which is not a component of this app`);
  const arn = `{{${target.name}.arn}}`;
  const grant = (actions: string[], resources: string[]) => [fromPermission(origin, { actions, resources })];
  switch (target.type) {
    case "sst.aws.Bucket":
      return grant(["s3:*"], [arn, `${arn}/*`]);
    case "sst.aws.Dynamo":
      return grant(["dynamodb:*"], [arn, `${arn}/*`]);
    case "sst.aws.Queue":
      return grant(["sqs:*"], [arn]);
    case "sst.aws.SnsTopic":
      return grant(["sns:*"], [arn]);
    case "sst.aws.Function":
      return grant(["lambda:InvokeFunction"], [arn]);
    case "sst.Secret":
      return [];
    case "sst.Linkable":
      return list(record(target.args).include)
        .filter((item) => record(item).type === "aws.permission")
        .map((item) => fromPermission(`${origin} via link ${target.name}`, item));
    default:
      throw new WiringError(`${origin} links a ${target.type}: the stand-ins do not know what SST grants for it`);
  }
}

/** True when one of `statements` allows `action` on `resource`, named exactly or through a trailing `*`. */
export function grants(
  statements: readonly { readonly actions: readonly string[]; readonly resources: readonly string[] }[],
  action: string,
  resource: string,
): boolean {
  const covers = (pattern: string) =>
    pattern === resource || (pattern.endsWith("*") && resource.startsWith(pattern.slice(0, -1)));
  return statements.some((s) => s.actions.includes(action) && s.resources.some(covers));
}

/** What linking these components grants a function, as SST does it. */
export function linkedPermissions(graph: Graph, links: unknown): Statement[] {
  return list(links).flatMap((linked) => linkGrants(graph, "a link", linked));
}

/** Statements of an IAM policy document (`$jsonStringify({ Statement: [...] })` or a plain object). */
function fromPolicyDocument(origin: string, policy: unknown): Statement[] {
  const document = record(refMeta(policy)?.value ?? policy);
  return list(document.Statement).map((item) => {
    const s = record(item);
    return {
      origin,
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: list(s.Action).map(render),
      resources: list(s.Resource).map(render),
      conditions: s.Condition,
    };
  });
}

/** Every IAM statement the app grants: function permissions and links, Linkables, inline and resource policies. */
export function iamStatements(graph: Graph): Statement[] {
  const statements: Statement[] = [];
  for (const fn of functionSites(graph)) {
    const origin = `function at ${fn.site}`;
    for (const p of list(fn.args.permissions)) statements.push(fromPermission(origin, p));
    for (const linked of list(fn.args.link)) statements.push(...linkGrants(graph, origin, linked));
  }
  for (const linkable of componentsOf(graph, "sst.Linkable")) {
    for (const item of list(record(linkable.args).include)) {
      statements.push(fromPermission(`Linkable ${linkable.name}`, item));
    }
  }
  for (const policy of componentsOf(graph, "aws.iam.RolePolicy")) {
    statements.push(...fromPolicyDocument(`RolePolicy ${policy.name}`, record(policy.args).policy));
  }
  for (const role of componentsOf(graph, "aws.iam.Role")) {
    for (const inline of list(record(role.args).inlinePolicies)) {
      statements.push(...fromPolicyDocument(`Role ${role.name} inline policy`, record(inline).policy));
    }
  }
  for (const policy of componentsOf(graph, "aws.sns.TopicPolicy")) {
    statements.push(...fromPolicyDocument(`TopicPolicy ${policy.name}`, record(policy.args).policy));
  }
  return statements;
}

/** Managed policies attached to roles: `{ origin, policyArn }`. */
export function managedPolicies(graph: Graph): { origin: string; policyArn: string }[] {
  return componentsOf(graph, "aws.iam.RolePolicyAttachment").map((a) => ({
    origin: `RolePolicyAttachment ${a.name}`,
    policyArn: render(record(a.args).policyArn),
  }));
}

/** A deep copy of plain data (objects, arrays); Refs and other values are shared, as they are identities. */
function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneData(item)) as T;
  if (isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneData(v)])) as T;
  }
  return value;
}

/** A copy of the graph with one component's arguments changed by `mutate` (negative cases). */
export function tamperComponent(graph: Graph, name: string, mutate: (args: Record<string, unknown>) => void): Graph {
  check(
    graph.components.some((c) => c.name === name),
    `cannot tamper with "${name}": not in the graph`,
  );
  return {
    ...graph,
    components: graph.components.map((c) => {
      if (c.name !== name) return c;
      const args = record(cloneData(c.args));
      mutate(args);
      return { ...c, args };
    }),
  };
}

/** A copy of the graph with the first call to `path` changed by `mutate` (negative cases). */
export function tamperCall(graph: Graph, path: string, mutate: (args: unknown[]) => void): Graph {
  const index = graph.calls.findIndex((c) => c.path === path);
  check(index >= 0, `cannot tamper with a call to ${path}: none in the graph`);
  return {
    ...graph,
    calls: graph.calls.map((c, i) => {
      if (i !== index) return c;
      const args = cloneData([...c.args]);
      mutate(args);
      return { ...c, args };
    }),
  };
}

/** A copy of the graph without one component (negative cases). */
export function withoutComponent(graph: Graph, name: string): Graph {
  return { ...graph, components: graph.components.filter((c) => c.name !== name) };
}
