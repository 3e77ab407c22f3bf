// Lambda bundles built the way SST builds a Node function, and loaded in a clean Node process. Shared by
// bundles.test.ts (do they load?) and bench/bundle.ts (how big, how fast to initialise?).
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";

export const FUNCTIONS_SRC = fileURLToPath(new URL("../src/", import.meta.url));

/**
 * SST's esbuild settings for a deployed Node function (sst/sst `pkg/runtime/node/build.go` and the `nodejs` args of
 * `sst.aws.Function`): bundle, ESM, platform node, `module` before `main`, names kept, minified, no source map, and
 * only `sharp` and `pg-native` external — the AWS SDK v3 is bundled, not taken from the Lambda runtime. The banner
 * gives ESM code the `require`, `__filename` and `__dirname` that bundled CommonJS dependencies expect. SST's target
 * is esnext unless set; node22 is the functions' runtime (stacks/stage.ts).
 */
export const SST_BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  mainFields: ["module", "main"],
  keepNames: true,
  minify: true,
  sourcemap: false,
  external: ["sharp", "pg-native"],
  banner: {
    js: [
      `import { createRequire as topLevelCreateRequire } from 'module';`,
      "const require = topLevelCreateRequire(import.meta.url);",
      `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
      "const __filename = topLevelFileUrlToPath(import.meta.url)",
      `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
    ].join("\n"),
  },
  logLevel: "silent",
} as const satisfies BuildOptions;

const EXPORTS_HANDLER = /export\s+(const|let|var|function|async\s+function)\s+handler\b/;

/** Every Lambda entry: `packages/functions/src/*.ts` (not tests) that exports `handler`, by name. */
export function handlerEntries(): { name: string; entry: string }[] {
  return readdirSync(FUNCTIONS_SRC)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
    .filter((file) => EXPORTS_HANDLER.test(readFileSync(join(FUNCTIONS_SRC, file), "utf8")))
    .sort()
    .map((file) => ({ name: basename(file, ".ts"), entry: join(FUNCTIONS_SRC, file) }));
}

/** Builds one handler into `outDir/<name>.mjs` (SST's file name) and returns its path and size. */
export async function buildHandler(
  handler: { name: string; entry: string },
  outDir: string,
): Promise<{ file: string; bytes: number }> {
  const file = join(outDir, `${handler.name.replaceAll(".", "-")}.mjs`);
  await build({ ...SST_BUILD_OPTIONS, entryPoints: [handler.entry], outfile: file });
  return { file, bytes: (await stat(file)).size };
}

/**
 * The environment a deployed function has: a region, credentials and the function's name from Lambda, a dummy for
 * every variable the functions read (`requiredEnv("X")`, `process.env.X`), and nothing of this process's own.
 */
export function lambdaEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "dummy",
    AWS_SECRET_ACCESS_KEY: "dummy",
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
  };
  for (const variable of envVariablesRead()) env[variable] ??= `dummy-${variable.toLowerCase().replaceAll("_", "-")}`;
  return env;
}

function envVariablesRead(): Set<string> {
  const names = new Set<string>();
  const pattern = /requiredEnv\("([A-Z0-9_]+)"\)|process\.env\.([A-Z0-9_]+)|process\.env\["([A-Z0-9_]+)"\]/g;
  const files = readdirSync(FUNCTIONS_SRC, { recursive: true, encoding: "utf8" });
  for (const file of files.filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
    for (const match of readFileSync(join(FUNCTIONS_SRC, file), "utf8").matchAll(pattern)) {
      const name = match[1] ?? match[2] ?? match[3];
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

// Runs in the child: time from just before `import()` to its resolution (module evaluation included).
const IMPORT_AND_TIME = `
const started = performance.now();
const mod = await import(process.env.BUNDLE_URL);
const initMs = performance.now() - started;
process.stdout.write(JSON.stringify({ initMs, handler: typeof mod.handler }));
`;

/** Imports a bundle in a fresh `node` with only `env`; resolves with its initialisation time and `typeof handler`. */
export function importInCleanNode(
  file: string,
  env: Record<string, string>,
): Promise<{ initMs: number; handler: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", IMPORT_AND_TIME],
      { env: { ...env, BUNDLE_URL: pathToFileURL(file).href }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`importing ${file} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as { initMs: number; handler: string });
      },
    );
  });
}
