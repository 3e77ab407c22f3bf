#!/usr/bin/env node
// First-use setup for `npm run demo`, `npm start`, `npm test` and `npm run bench`: installs what is missing and
// nothing else. Node built-ins only, because it runs before any package is installed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "node_modules", ".bootstrap-lock-mtime");

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bootstrap: \`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function npmPackagesCurrent() {
  if (!existsSync(join(root, "node_modules", ".bin", "tsx"))) return false;
  if (!existsSync(stamp)) return false;
  return readFileSync(stamp, "utf8") === String(statSync(join(root, "package-lock.json")).mtimeMs);
}

if (!npmPackagesCurrent()) {
  console.log("bootstrap: installing npm packages (npm ci) …");
  run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
  writeFileSync(stamp, String(statSync(join(root, "package-lock.json")).mtimeMs));
}

// The Glue job's PySpark and the test tools (pytest, ruff, moto) live in the project's .venv.
const { ensurePythonEnv } = await import("./python-env.mjs");
await ensurePythonEnv(root);
