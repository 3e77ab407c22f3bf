// Recording stand-ins for the SST globals (`sst`, `aws`, `$app`, `$interpolate`, `$asset`, …), installed on
// globalThis so the wiring test can evaluate sst.config.ts's run() and the stacks offline and inspect what they
// build. Nothing is deployed or resolved: a value only known at deploy time is a Ref, a token that remembers where
// it came from (`Ingest.arn`, `Ingest.subscribe().nodes.function.name`), so the test can follow references.
//
// The stand-ins know the API surface the stacks may use (classes, their members, functions, as checked against
// SST 4's source): a misspelt class or member throws here instead of recording silently.

export const REF = Symbol("sst-stand-in-ref");

export interface RefMeta {
  /** Where the value comes from: a component name, then member accesses and calls. */
  readonly path: string;
  /** For $interpolate, $concat and $jsonStringify: the text, every Ref inside it rendered as `{{path}}`. */
  readonly text?: string;
  /** For $jsonStringify: the value that was stringified, Refs included, for the test to inspect. */
  readonly value?: unknown;
}

/** A deploy-time value (a Pulumi Output, a component): any member is another Ref, methods record calls. */
export interface Ref {
  readonly [REF]: RefMeta;
  readonly [member: string]: Ref;
  (...args: unknown[]): Ref;
  /** A namespace Ref constructs (`new sst.aws.Queue(…)`): the instance is a Ref too. */
  new (...args: unknown[]): Instance;
}

/** What constructing a class Ref returns. */
export type Instance = Ref;

export interface ComponentRecord {
  /** `sst.aws.Queue`, `aws.cloudwatch.MetricAlarm`, … */
  readonly type: string;
  /** The logical name, unique across the app (SST links and the recorder key on it). */
  readonly name: string;
  readonly args: unknown;
  readonly ref: Ref;
}

export interface CallRecord {
  /** `Data.notify`, `Ingest.subscribe`, `sst.aws.Bus.subscribe`, … */
  readonly path: string;
  readonly args: readonly unknown[];
  readonly result: unknown;
}

export interface Graph {
  readonly components: readonly ComponentRecord[];
  readonly calls: readonly CallRecord[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** Classes the stacks may construct, with their instances' members (undefined: any, a raw resource's outputs). */
const CLASSES: Readonly<Record<string, readonly string[] | undefined>> = {
  "sst.aws.Bucket": ["name", "arn", "domain", "nodes", "notify"],
  "sst.aws.Queue": ["arn", "url", "nodes", "subscribe"],
  "sst.aws.Dynamo": ["name", "arn", "nodes"],
  "sst.aws.Function": ["name", "arn", "url", "nodes"],
  "sst.aws.SnsTopic": ["name", "arn", "nodes", "subscribe"],
  "sst.aws.ApiGatewayV2": ["url", "nodes", "route"],
  "sst.aws.StaticSite": ["url", "nodes"],
  "sst.aws.CronV2": ["nodes"],
  "sst.x.DevCommand": [],
  "sst.Secret": ["name", "value"],
  "sst.Linkable": ["name", "properties"],
  "aws.s3.BucketObjectv2": undefined,
  "aws.s3.BucketLifecycleConfiguration": undefined,
  "aws.s3.BucketServerSideEncryptionConfiguration": undefined,
  "aws.iam.Role": undefined,
  "aws.iam.RolePolicy": undefined,
  "aws.iam.RolePolicyAttachment": undefined,
  "aws.glue.Job": undefined,
  "aws.redshiftserverless.Namespace": undefined,
  "aws.redshiftserverless.Workgroup": undefined,
  "aws.redshiftserverless.UsageLimit": undefined,
  "aws.cloudwatch.MetricAlarm": undefined,
  "aws.cloudwatch.LogMetricFilter": undefined,
  "aws.cloudwatch.EventRule": undefined,
  "aws.cloudwatch.EventTarget": undefined,
  "aws.sns.TopicPolicy": undefined,
};

/** Pulumi's asset classes: plain values, recorded as data the test can find (`{ kind: "asset", path }`). */
const VALUE_CLASSES: Readonly<Record<string, (args: readonly unknown[]) => object>> = {
  "$util.asset.FileAsset": ([path]) => ({ kind: "asset", path }),
  "$util.asset.FileArchive": ([path]) => ({ kind: "asset", path, archive: true }),
  "$util.asset.AssetArchive": ([assets]) => ({ kind: "archive", assets }),
};

/** Members that are methods: calling them records a call. */
const METHODS: Readonly<Record<string, readonly string[]>> = {
  "sst.aws.Bucket": ["notify"],
  "sst.aws.Queue": ["subscribe"],
  "sst.aws.SnsTopic": ["subscribe"],
  "sst.aws.ApiGatewayV2": ["route"],
};

/** Namespace functions: those that return data return it as SST / Pulumi would; the others a recorded Ref. */
const FUNCTIONS: Readonly<Record<string, ((args: readonly unknown[]) => unknown) | "recorded">> = {
  // SST's permission() tags its input so a Linkable's `include` can tell permissions apart.
  "sst.aws.permission": ([input]) => ({ type: "aws.permission", ...asObject(input) }),
  "sst.aws.Bus.subscribe": "recorded",
  "aws.iam.assumeRolePolicyForPrincipal": ([principal]) => ({
    Version: "2012-10-17",
    Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: principal }],
  }),
  "aws.cloudwatch.getEventBusOutput": "recorded",
  "aws.getCallerIdentityOutput": "recorded",
};

/** Members a Ref never has: asking for them must not invent one (promises, JSON, test-framework probes). */
const NOT_MEMBERS = new Set(["then", "toJSON", "asymmetricMatch", "$$typeof", "nodeType", "constructor"]);

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? { ...value } : {};
}

/** The Ref behind a value, if it is one. */
export function refMeta(value: unknown): RefMeta | undefined {
  if (typeof value !== "function" && (typeof value !== "object" || value === null)) return undefined;
  const meta: unknown = Reflect.get(value, REF);
  return typeof meta === "object" && meta !== null && "path" in meta ? (meta as RefMeta) : undefined;
}

/** A value as text: strings as they are, Refs as `{{path}}` (or their interpolated text), numbers as digits. */
export function render(value: unknown): string {
  const meta = refMeta(value);
  if (meta !== undefined) return meta.text ?? `{{${meta.path}}}`;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `<<not a string: ${typeof value}>>`;
}

type RefKind =
  | { readonly kind: "namespace" }
  | { readonly kind: "component"; readonly type: string }
  | { readonly kind: "value"; readonly callable: boolean };

export class Recorder {
  readonly components: ComponentRecord[] = [];
  readonly calls: CallRecord[] = [];

  graph(outputs: Record<string, unknown>): Graph {
    return { components: [...this.components], calls: [...this.calls], outputs };
  }

  namespace(path: string): Ref {
    return this.ref({ path }, { kind: "namespace" });
  }

  value(meta: RefMeta): Ref {
    return this.ref(meta, { kind: "value", callable: false });
  }

  private ref(meta: RefMeta, kind: RefKind): Ref {
    // A class as the Proxy target: it can be both called and constructed, as namespaces and methods must be.
    const target = class {};
    const proxy = new Proxy(target, {
      // A class's `prototype` is fixed (a Proxy must report it as it is); every other member is the stand-in's.
      get: (target, member) =>
        member === "prototype" ? Reflect.get(target, member) : this.member(meta, kind, member, proxy),
      apply: (_target, _this, args: unknown[]) => this.call(meta, kind, args),
      construct: (_target, args: unknown[]) => this.construct(meta, kind, args),
    }) as unknown as Ref;
    return proxy;
  }

  private member(meta: RefMeta, kind: RefKind, member: string | symbol, self: Ref): unknown {
    if (member === REF) return meta;
    if (member === Symbol.toPrimitive || member === "toString" || member === "valueOf") {
      // What Pulumi does too: an Output in a plain template literal becomes a warning, not its value.
      return () => `<<${meta.path} used as a plain string: use $interpolate>>`;
    }
    if (typeof member === "symbol" || NOT_MEMBERS.has(member) || member.startsWith("@@")) return undefined;
    const path = `${meta.path}.${member}`;
    switch (kind.kind) {
      case "namespace":
        return this.namespace(path);
      case "component": {
        const members = CLASSES[kind.type];
        if (members !== undefined && !members.includes(member)) {
          throw new Error(
            `the stand-ins know no member "${member}" on ${meta.path} (${kind.type}): check it against SST`,
          );
        }
        const callable = (METHODS[kind.type] ?? []).includes(member);
        return this.ref({ path }, { kind: "value", callable });
      }
      case "value":
        // Output.apply: the callback sees the value; here the value is the Ref itself, so lifting carries on.
        if (member === "apply") return (fn: (value: Ref) => unknown) => fn(self);
        return this.value({ path });
    }
  }

  private call(meta: RefMeta, kind: RefKind, args: unknown[]): unknown {
    if (kind.kind === "namespace") {
      const fn = FUNCTIONS[meta.path];
      if (fn === undefined) throw new Error(`the stand-ins know no function ${meta.path}: check it against SST`);
      const result = fn === "recorded" ? this.value({ path: `${meta.path}()` }) : fn(args);
      this.calls.push({ path: meta.path, args, result });
      return result;
    }
    if (kind.kind !== "value" || !kind.callable) throw new TypeError(`${meta.path} is not a function`);
    const result = this.value({ path: `${meta.path}()` });
    this.calls.push({ path: meta.path, args, result });
    return result;
  }

  private construct(meta: RefMeta, kind: RefKind, args: unknown[]): object {
    const valueClass = kind.kind === "namespace" ? VALUE_CLASSES[meta.path] : undefined;
    if (valueClass !== undefined) return valueClass(args);
    if (kind.kind !== "namespace" || !(meta.path in CLASSES)) {
      throw new Error(`the stand-ins know no class ${meta.path}: check it against SST`);
    }
    const [name, componentArgs] = args;
    if (typeof name !== "string" || name === "") throw new Error(`new ${meta.path}(…) needs a name`);
    if (this.components.some((c) => c.name === name)) throw new Error(`two components are named "${name}"`);
    const ref = this.ref({ path: name }, { kind: "component", type: meta.path });
    this.components.push({ type: meta.path, name, args: componentArgs ?? {}, ref });
    return ref;
  }
}

/** Text of a template or a list of parts, Refs rendered. */
function joinParts(strings: readonly string[], values: readonly unknown[]): string {
  return strings.reduce((text, part, i) => text + part + (i < values.length ? render(values[i]) : ""), "");
}

const GLOBAL_NAMES = [
  "$config",
  "$app",
  "$dev",
  "sst",
  "aws",
  "$util",
  "$interpolate",
  "$concat",
  "$jsonStringify",
  "$asset",
  "$transform",
] as const;

export interface StandIns {
  readonly recorder: Recorder;
  /** Sets `$app.name` once sst.config.ts's app() has given it (SST does the same before run()). */
  setAppName(name: string): void;
}

/** Installs the stand-ins on globalThis for one evaluation of the app. */
export function installSstGlobals(options: { stage: string; dev?: boolean }): StandIns {
  const recorder = new Recorder();
  const app = { name: "<app() not evaluated yet>", stage: options.stage };
  const globals: Record<(typeof GLOBAL_NAMES)[number], unknown> = {
    $config: (config: unknown) => config,
    $app: app,
    $dev: options.dev ?? false,
    sst: recorder.namespace("sst"),
    aws: recorder.namespace("aws"),
    $util: recorder.namespace("$util"),
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) => {
      const text = joinParts(strings, values);
      return recorder.value({ path: `$interpolate\`${text}\``, text });
    },
    $concat: (...parts: unknown[]) => {
      const text = parts.map(render).join("");
      return recorder.value({ path: `$concat(${text})`, text });
    },
    $jsonStringify: (value: unknown) => {
      const text = JSON.stringify(value, (_key, v: unknown) => (refMeta(v) === undefined ? v : render(v)));
      return recorder.value({ path: "$jsonStringify(…)", text, value });
    },
    $asset: (path: string) => ({ kind: "asset", path }),
    $transform: (...args: unknown[]) => {
      recorder.calls.push({ path: "$transform", args, result: undefined });
    },
  };
  Object.assign(globalThis, globals);
  return {
    recorder,
    setAppName(name: string) {
      app.name = name;
    },
  };
}

export function removeSstGlobals(): void {
  for (const name of GLOBAL_NAMES) Reflect.deleteProperty(globalThis, name);
}
