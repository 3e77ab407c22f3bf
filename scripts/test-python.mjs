#!/usr/bin/env node
// The Python half of `npm test`: ruff (lint + format check) and pytest for packages/glue, with the .venv's python.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { venvPython } from "./python-env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const glue = join(root, "packages", "glue");
const python = venvPython(root);

for (const args of [
  ["-m", "ruff", "check", "."],
  ["-m", "ruff", "format", "--check", "."],
  ["-m", "pytest", "-q", ...process.argv.slice(2)],
]) {
  console.log(`\n$ python ${args.join(" ")}   (in packages/glue)`);
  const result = spawnSync(python, args, {
    cwd: glue,
    stdio: "inherit",
    env: { ...process.env, SPARK_LOCAL_IP: "127.0.0.1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
