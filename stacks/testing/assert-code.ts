// The graph against the repository: every handler path names a file that exports that function and gets the
// environment its module requires, every asset and site exists, the Glue job gets the arguments its script parses.
// Sources are read, not imported: importing a handler would run its cold start (AWS clients, required env vars).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { durationSeconds, sizeMegabytes } from "./aws-semantics";
import { check, componentsOf, functionSites, iamStatements, record, WiringError } from "./graph";
import { type Graph, render } from "./sst-globals";

const SOURCE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** `packages/functions/src/validate.handler` → the source file (if any) and the export name. */
export function resolveHandler(root: string, handler: string): { file: string | undefined; exportName: string } {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0 || handler.includes("\\")) throw new WiringError(`handler "${handler}" is not "<path>.<export>"`);
  const base = handler.slice(0, dot);
  const file = SOURCE_EXTENSIONS.map((ext) => `${base}${ext}`).find((f) => existsSync(join(root, f)));
  return { file, exportName: handler.slice(dot + 1) };
}

/** True when the module source exports `name` (const / let / var / function declaration, or an export list). */
export function exportsName(source: string, name: string): boolean {
  const declared = new RegExp(
    `export\\s+(?:(?:const|let|var)\\s+${name}\\b|(?:async\\s+)?function\\s*\\*?\\s*${name}\\s*[(<])`,
  );
  if (declared.test(source)) return true;
  for (const list of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    const exported = (list[1] ?? "").split(",").map((spec) =>
      spec
        .trim()
        .split(/\s+as\s+/)
        .pop(),
    );
    if (exported.includes(name)) return true;
  }
  return false;
}

/** `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`, `import("./x.js")`; not `import type`. */
const RUNTIME_IMPORT =
  /\b(?:import|export)\s+(?!type\b)(?:[^;"']*?\sfrom\s+)?"(\.{1,2}\/[^"]+)"|\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g;

/**
 * Sources without comments, so a variable named only in a comment does not count as read. Rough (a comment opener
 * inside a string drops code up to the next comment end), but it only errs towards reporting a variable as unread.
 */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/[^\n]*/g, "$1");
}

/**
 * The sources a handler module runs: the module and every module it imports at run time, transitively, through
 * relative imports (packages such as `@market-data/core` read no environment).
 */
export function moduleSources(root: string, file: string): string[] {
  const sources = new Map<string, string>();
  const visit = (path: string) => {
    if (sources.has(path) || !existsSync(join(root, path))) return;
    const source = readFileSync(join(root, path), "utf8");
    sources.set(path, source);
    for (const [, specifier, dynamic] of source.matchAll(RUNTIME_IMPORT)) {
      const relative = (specifier ?? dynamic ?? "").replace(/\.js$/, ".ts");
      visit(join(dirname(path), /\.[cm]?[jt]s$/.test(relative) ? relative : `${relative}.ts`));
    }
  };
  visit(file);
  return [...sources.values()];
}

/** Environment variables a handler requires at cold start: `requiredEnv("X")` anywhere in the modules it runs. */
export function requiredEnvOf(root: string, file: string): string[] {
  const sources = moduleSources(root, file);
  return [...new Set(sources.flatMap((s) => [...s.matchAll(/requiredEnv\("(\w+)"\)/g)].map((m) => m[1] ?? "")))];
}

/**
 * Every function's handler resolves to a file exporting it, and its environment sets what that module requires.
 */
export function assertHandlersResolve(graph: Graph, root: string): void {
  const sites = functionSites(graph);
  check(sites.length > 0, "no functions in the graph");
  for (const { site, args } of sites) {
    const handler = String(args.handler);
    const { file, exportName } = resolveHandler(root, handler);
    check(file !== undefined, `${site}: handler ${handler} has no source file`);
    check(exportsName(readFileSync(join(root, file), "utf8"), exportName), `${site}: ${file} exports no ${exportName}`);
    const environment = Object.keys(record(args.environment));
    for (const name of requiredEnvOf(root, file)) {
      check(environment.includes(name), `${site}: ${file} requires ${name}, which the function does not set`);
    }
  }
}

/**
 * Names a handler reads from an environment object its code builds names for (`env[\`INGEST_${p}_SYMBOLS\`]`),
 * found by running its own parser on the function's environment: handler → (environment → names read).
 */
export type DynamicEnvReaders = Readonly<Record<string, (environment: Record<string, string>) => readonly string[]>>;

/**
 * Every environment variable a function sets is read by the code it runs: named in its modules (`requiredEnv("X")`,
 * `process.env.X`, `env.X`), or read by a parser in `dynamic`. A misspelt optional variable is otherwise silent
 * (REDSHIFT_WORKGRUP would only turn the bars routes into 503s).
 */
export function assertEnvironmentRead(graph: Graph, root: string, dynamic: DynamicEnvReaders = {}): void {
  for (const { site, args } of functionSites(graph)) {
    const handler = String(args.handler);
    const { file } = resolveHandler(root, handler);
    check(file !== undefined, `${site}: handler ${handler} has no source file`);
    const text = moduleSources(root, file).map(withoutComments).join("\n");
    const environment = Object.fromEntries(Object.entries(record(args.environment)).map(([k, v]) => [k, render(v)]));
    const parsed = new Set(dynamic[handler]?.(environment) ?? []);
    const unread = Object.keys(environment).filter(
      (name) => !parsed.has(name) && !new RegExp(`\\b${name}\\b`).test(text),
    );
    check(unread.length === 0, `${site}: sets ${unread.join(", ")}, which ${file} and its imports never read`);
  }
}

/** Every function sets its runtime, timeout and memory (SST's defaults move between versions). */
export function assertFunctionsConfigured(graph: Graph, runtime: string): void {
  for (const { site, args } of functionSites(graph)) {
    check(args.runtime === runtime, `${site}: runtime ${String(args.runtime)}, expected ${runtime}`);
    check(durationSeconds(args.timeout) <= 900, `${site}: timeout above Lambda's 15 minutes`);
    check(sizeMegabytes(args.memory) >= 128, `${site}: memory below Lambda's 128 MB`);
  }
}

/** `$asset(path)` values anywhere in component arguments. */
function assetsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(assetsOf);
  const r = record(value);
  if (r.kind === "asset" && typeof r.path === "string") return [r.path];
  return Object.values(r).flatMap(assetsOf);
}

/** Every `$asset` exists, and every static site has a build that can run. */
export function assertFilesExist(graph: Graph, root: string): void {
  const expect = (path: string, what: string) => {
    check(existsSync(join(root, path)), `${what}: ${path} does not exist`);
  };
  for (const c of graph.components) for (const asset of assetsOf(c.args)) expect(asset, `${c.name}'s asset`);
  for (const site of componentsOf(graph, "sst.aws.StaticSite")) {
    const args = record(site.args);
    const path = String(args.path);
    check(existsSync(join(root, path, "package.json")), `${site.name}: ${path} has no package.json`);
    const scripts = record(JSON.parse(readFileSync(join(root, path, "package.json"), "utf8")).scripts);
    for (const command of [record(args.build).command, record(args.dev).command]) {
      const script = /^npm run (\S+)$/.exec(String(command))?.[1];
      check(
        script !== undefined && typeof scripts[script] === "string",
        `${site.name}: no npm script for "${command}"`,
      );
      const entry = /^node (\S+)/.exec(String(scripts[script]))?.[1];
      if (entry !== undefined) expect(join(path, entry), `${site.name}'s ${script} script`);
    }
  }
}

/** Glue's own job parameters (not the script's): https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html */
const GLUE_PARAMETER = /^--(job-|enable-|TempDir$|extra-|additional-python-modules|python-modules-installer|conf$)/;

/** Arguments Glue passes to every run by itself. */
const PASSED_BY_GLUE = ["JOB_NAME", "JOB_ID", "JOB_RUN_ID"];

/**
 * Argument names a Glue script parses: the lists given to `getResolvedOptions(sys.argv, [...])`, where a
 * `*NAMES` spread resolves to a tuple or list literal `NAMES = (...)` in any of the sources (the script's package).
 */
export function scriptArguments(script: string, library: readonly string[] = []): string[] {
  const names: string[] = [];
  const calls = [...script.matchAll(/getResolvedOptions\(\s*\w+(?:\.argv)?\s*,\s*\[([^\]]*)\]/g)];
  if (calls.length === 0) throw new WiringError("the Glue script calls no getResolvedOptions(argv, [...])");
  for (const [, inner] of calls) {
    for (const [, literal, spread] of (inner ?? "").matchAll(/["'](\w+)["']|\*(\w+)/g)) {
      if (literal !== undefined) names.push(literal);
      if (spread === undefined) continue;
      const definition = new RegExp(`^${spread}\\b[^=\\n]*=\\s*[([]([^)\\]]*)[)\\]]`, "m");
      const found = [script, ...library].map((source) => definition.exec(source)?.[1]).find((d) => d !== undefined);
      if (found === undefined) throw new WiringError(`cannot find the definition of ${spread} the script spreads`);
      names.push(...[...found.matchAll(/["'](\w+)["']/g)].map((m) => m[1] ?? ""));
    }
  }
  return [...new Set(names)];
}

/** Python sources under a folder (the script's package), recursively. */
function pythonSources(root: string, folder: string): string[] {
  const path = join(root, folder);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  return readdirSync(path, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".py"))
    .map((name) => readFileSync(join(path, name), "utf8"));
}

/** The Glue job's default arguments plus the per-run ones are exactly what its script parses. */
export function assertScriptArguments(graph: Graph, root: string, perRun: readonly string[]): void {
  const objects = componentsOf(graph, "aws.s3.BucketObjectv2");
  const objectAt = (location: unknown) => objects.find((o) => render(location).endsWith(`/{{${o.name}.key}}`));
  for (const job of componentsOf(graph, "aws.glue.Job")) {
    const args = record(job.args);
    const defaults = record(args.defaultArguments);
    const path = String(record(record(objectAt(record(args.command).scriptLocation)?.args).source).path);
    const library = assetsOf(objectAt(defaults["--extra-py-files"])?.args).flatMap((dir) => pythonSources(root, dir));
    const parsed = scriptArguments(readFileSync(join(root, path), "utf8"), library);
    const given = [...Object.keys(defaults), ...perRun]
      .filter((name) => !GLUE_PARAMETER.test(name))
      .map((name) => name.replace(/^--/, ""));
    const unparsed = given.filter((name) => !parsed.includes(name));
    const ungiven = parsed.filter((name) => !given.includes(name) && !PASSED_BY_GLUE.includes(name));
    check(unparsed.length === 0, `${job.name}: ${path} does not parse ${unparsed.join(", ")}`);
    check(ungiven.length === 0, `${job.name}: ${path} parses ${ungiven.join(", ")}, which no one passes`);
  }
}

/** Paths a Glue job derives from its output root: `f"{_root(self.output_root)}/parquet/bars"` → `parquet/bars`. */
export function outputPaths(library: readonly string[]): string[] {
  const paths = library.flatMap((source) =>
    [...source.matchAll(/\{_root\(self\.output_root\)\}\/([^"{}]+)/g)].map((m) => m[1] ?? ""),
  );
  return [...new Set(paths)];
}

/** Every path the Glue job writes under its output root is under a prefix its role may PutObject to. */
export function assertGlueWritesGranted(graph: Graph, root: string): void {
  const objects = componentsOf(graph, "aws.s3.BucketObjectv2");
  for (const job of componentsOf(graph, "aws.glue.Job")) {
    const args = record(job.args);
    const location = render(record(args.defaultArguments)["--extra-py-files"]);
    const library = objects.find((o) => location.endsWith(`/{{${o.name}.key}}`));
    const paths = outputPaths(assetsOf(library?.args).flatMap((dir) => pythonSources(root, dir)));
    check(paths.length > 0, `${job.name}: found no paths the job derives from output_root; update this check`);
    const role = render(args.roleArn).replace(/\.arn\}\}$/, "");
    const writable = iamStatements(graph)
      .filter((s) => /^RolePolicy /.test(s.origin) && s.actions.includes("s3:PutObject"))
      .filter((s) => {
        const policy = componentsOf(graph, "aws.iam.RolePolicy").find((p) => s.origin === `RolePolicy ${p.name}`);
        return render(record(policy?.args).role).startsWith(role);
      })
      .flatMap((s) => s.resources)
      .map((resource) => /^\{\{Data\.arn\}\}\/(.*)\*$/.exec(resource)?.[1])
      .filter((prefix): prefix is string => prefix !== undefined);
    const denied = paths.filter((path) => !writable.some((prefix) => path.startsWith(prefix)));
    check(denied.length === 0, `${job.name} writes ${denied.join(", ")}, which its role may not (it may: ${writable})`);
  }
}
