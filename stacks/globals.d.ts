// The SST globals this app uses, declared so `sst.config.ts` and `stacks/*.ts` read typed without the CLI's
// generated `.sst/platform/config.d.ts` (the CLI cannot run offline). Shapes follow ../shared/SST.md (sst 4.x,
// @pulumi/aws 7), narrowed to what the stacks use; raw Pulumi resources take their arguments loosely.
// Not loaded by the project's tsc (it excludes stacks/), only by editors and the wiring test's readers.

declare namespace $util {
  interface Output<T> {
    apply<U>(fn: (value: T) => U): Output<U>;
  }
  type Input<T> = T | Output<T>;
  /** A Pulumi Output lifts its value's properties (`sub.nodes.function.name`). */
  type Lifted<T> = Output<T> & { readonly [K in keyof T]-?: Lifted<NonNullable<T[K]>> };
  namespace asset {
    class FileAsset {
      constructor(path: string);
    }
    class FileArchive {
      constructor(path: string);
    }
    class AssetArchive {
      constructor(assets: Record<string, FileAsset | FileArchive>);
    }
  }
}

type Duration = `${number} ${"second" | "seconds" | "minute" | "minutes" | "hour" | "hours" | "day" | "days"}`;
type MemorySize = `${number} ${"MB" | "GB"}`;

interface SstPermission {
  effect?: "allow" | "deny";
  actions: string[];
  resources: $util.Input<string>[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

interface SstFunctionArgs {
  handler: string;
  runtime?: "nodejs20.x" | "nodejs22.x" | "nodejs24.x";
  timeout?: Duration;
  memory?: MemorySize;
  link?: unknown[];
  environment?: Record<string, $util.Input<string>>;
  permissions?: SstPermission[];
}

/** A raw Lambda function as SST's `nodes.function` gives it. */
interface LambdaFunctionNode {
  name: string;
  arn: string;
  /** The execution role's ARN. */
  role: string;
  loggingConfig: { logGroup: string };
}

declare const $app: { readonly name: string; readonly stage: string };
declare const $dev: boolean;

declare function $config(config: {
  app(input?: { stage?: string }): {
    name: string;
    home: "aws";
    removal?: "remove" | "retain" | "retain-all";
    protect?: boolean;
  };
  run(): Promise<Record<string, unknown> | undefined>;
}): unknown;
declare function $interpolate(strings: TemplateStringsArray, ...values: unknown[]): $util.Output<string>;
declare function $jsonStringify(value: unknown): $util.Output<string>;
declare function $asset(path: string): unknown;

declare namespace sst {
  class Secret {
    constructor(name: string, placeholder?: string);
    readonly name: string;
    readonly value: $util.Output<string>;
  }
  class Linkable {
    constructor(name: string, args: { properties: Record<string, unknown>; include?: unknown[] });
  }
  namespace aws {
    function permission(args: SstPermission): unknown;
    class Bucket {
      constructor(name: string, args?: { transform?: Record<string, unknown> });
      readonly name: $util.Output<string>;
      readonly arn: $util.Output<string>;
      notify(args: {
        notifications: {
          name: string;
          queue?: Queue;
          events?: `s3:${string}`[];
          filterPrefix?: string;
          filterSuffix?: string;
        }[];
      }): unknown;
    }
    class Queue {
      constructor(
        name: string,
        args?: {
          visibilityTimeout?: Duration;
          dlq?: string | $util.Output<string> | { queue: $util.Input<string>; retry: number };
          transform?: { queue?: Record<string, unknown> };
        },
      );
      readonly arn: $util.Output<string>;
      readonly url: $util.Output<string>;
      readonly nodes: { queue: { name: $util.Output<string> } };
      subscribe(
        subscriber: SstFunctionArgs,
        args?: { batch?: { size?: number; window?: Duration; partialResponses?: boolean } },
      ): $util.Lifted<{ nodes: { function: LambdaFunctionNode } }>;
    }
    class Dynamo {
      constructor(
        name: string,
        args: {
          fields: Record<string, "string" | "number" | "binary">;
          primaryIndex: { hashKey: string; rangeKey?: string };
          transform?: { table?: Record<string, unknown> };
        },
      );
      readonly name: $util.Output<string>;
      readonly arn: $util.Output<string>;
    }
    class SnsTopic {
      constructor(name: string);
      readonly arn: $util.Output<string>;
      readonly name: $util.Output<string>;
    }
    class ApiGatewayV2 {
      constructor(name: string, args?: { cors?: boolean });
      readonly url: $util.Output<string>;
      route(route: string, handler: SstFunctionArgs): $util.Lifted<{ nodes: { function: LambdaFunctionNode } }>;
    }
    class StaticSite {
      constructor(
        name: string,
        args: {
          path: string;
          build: { command: string; output: string };
          environment?: Record<string, $util.Input<string>>;
          dev?: { command: string };
        },
      );
      readonly url: $util.Output<string>;
    }
    class CronV2 {
      constructor(
        name: string,
        args: {
          schedule: `rate(${string})` | `cron(${string})`;
          function: SstFunctionArgs;
          /** The invocation's payload; EventBridge Scheduler fills in `<aws.scheduler.…>` placeholders. */
          event?: Record<string, unknown>;
          retries?: number;
          dlq?: string;
        },
      );
      readonly nodes: { function: $util.Lifted<LambdaFunctionNode> };
    }
    /** Only the static `Bus.subscribe` is used (Glue state changes on the default bus). */
    namespace Bus {
      function subscribe(
        name: string,
        busArn: $util.Input<string>,
        subscriber: SstFunctionArgs,
        args?: { pattern?: { source?: string[]; detailType?: string[]; detail?: Record<string, unknown> } },
      ): $util.Lifted<{ nodes: { function: LambdaFunctionNode } }>;
    }
  }
  namespace x {
    class DevCommand {
      constructor(
        name: string,
        args: { dev: { command: string; directory?: string; autostart?: boolean; title?: string } },
      );
    }
  }
}

/** A raw Pulumi resource: arguments as Pulumi takes them, outputs as the stacks read them. */
declare class RawResource {
  constructor(name: string, args: Record<string, unknown>);
  readonly id: $util.Output<string>;
  readonly arn: $util.Output<string>;
  readonly name: $util.Output<string>;
}

declare namespace aws {
  function getCallerIdentityOutput(): $util.Lifted<{ accountId: string }>;
  namespace s3 {
    class BucketObjectv2 extends RawResource {
      readonly key: $util.Output<string>;
    }
    class BucketLifecycleConfiguration extends RawResource {}
    class BucketServerSideEncryptionConfiguration extends RawResource {}
  }
  namespace iam {
    function assumeRolePolicyForPrincipal(principal: { Service: string }): unknown;
    class Role extends RawResource {}
    class RolePolicy extends RawResource {}
    class RolePolicyAttachment extends RawResource {}
  }
  namespace glue {
    class Job extends RawResource {}
  }
  namespace redshiftserverless {
    class Namespace extends RawResource {
      readonly namespaceName: $util.Output<string>;
      readonly dbName: $util.Output<string>;
      /** With `manageAdminPassword`: the Secrets Manager secret holding the admin's credentials. */
      readonly adminPasswordSecretArn: $util.Output<string>;
    }
    class Workgroup extends RawResource {
      readonly workgroupName: $util.Output<string>;
    }
    class UsageLimit extends RawResource {}
  }
  namespace cloudwatch {
    function getEventBusOutput(args: { name: string }): $util.Lifted<{ arn: string; name: string }>;
    class MetricAlarm extends RawResource {}
    class LogMetricFilter extends RawResource {}
    class EventRule extends RawResource {}
    class EventTarget extends RawResource {}
  }
  namespace sns {
    class TopicPolicy extends RawResource {}
  }
}
