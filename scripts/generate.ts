// Sample-data generator CLI: parses options, writes the files of scripts/sample under --out, prints a summary.
// The generation itself is pure (scripts/sample/index.ts); this file only does the I/O.
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs, USAGE } from "./sample/args.ts";
import { chunksOf, generateSamples, OptionsError, type SampleFile } from "./sample/index.ts";

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  let result: ReturnType<typeof generateSamples>;
  try {
    args = parseArgs(argv);
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    result = generateSamples(args.options);
  } catch (error) {
    if (error instanceof OptionsError) {
      console.error(`generate: ${error.message}\nRun with --help for the options.`);
      return 2;
    }
    throw error;
  }

  const out = resolve(args.out);
  // Files are written to a sibling temp folder and renamed into place, so a watcher on --out (the local runtime)
  // never picks up a half-written file.
  const tmp = join(dirname(out), ".generate-tmp");
  await mkdir(tmp, { recursive: true });
  const sizes = new Map<string, number>();
  try {
    for (const [i, file] of result.files.entries()) sizes.set(file.key, await writeAtomically(out, tmp, i, file));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const manifestPath = join(dirname(out), "generated-manifest.json");
  if (args.manifest) await writeFile(manifestPath, `${JSON.stringify(result.manifest, null, 2)}\n`);

  printSummary(out, result, sizes, args.manifest ? manifestPath : undefined);
  return 0;
}

async function writeAtomically(out: string, tmp: string, i: number, file: SampleFile): Promise<number> {
  const target = join(out, file.key);
  const partial = join(tmp, `${i}.partial`);
  await mkdir(dirname(target), { recursive: true });
  let bytes = 0;
  const counted = Readable.from(
    (function* () {
      for (const chunk of chunksOf(file)) {
        const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
        bytes += buffer.length;
        yield buffer;
      }
    })(),
  );
  // pipeline honours back-pressure, so a million-row file streams through a bounded buffer.
  await pipeline(counted, createWriteStream(partial));
  await rename(partial, target);
  return bytes;
}

function printSummary(
  out: string,
  { files, manifest }: ReturnType<typeof generateSamples>,
  sizes: ReadonlyMap<string, number>,
  manifestPath: string | undefined,
): void {
  const width = Math.max(...files.map((f) => f.key.length), 3);
  console.log(
    `generate: ${files.length} files under ${out} (seed ${manifest.options.seed}, end ${manifest.options.end})`,
  );
  console.log(
    `  ${"key".padEnd(width)}  ${"format".padEnd(17)} ${"records".padStart(9)} ${"bytes".padStart(11)}  defects`,
  );
  for (const f of files) {
    const entry = manifest.files.find((m) => m.key === f.key);
    const fileDefect = manifest.fileDefects.find((d) => d.key === f.key);
    const defects = fileDefect ? `file: ${fileDefect.kind} → ${fileDefect.rule}` : String(entry?.defects ?? 0);
    console.log(
      `  ${f.key.padEnd(width)}  ${f.format.padEnd(17)} ${String(f.records).padStart(9)} ${String(sizes.get(f.key) ?? 0).padStart(11)}  ${defects}`,
    );
  }
  const byKind = new Map<string, number>();
  for (const d of manifest.defects) byKind.set(`${d.kind} → ${d.rule}`, (byKind.get(`${d.kind} → ${d.rule}`) ?? 0) + 1);
  if (byKind.size > 0) {
    console.log(`  defect rows: ${manifest.defects.length}`);
    for (const [kind, n] of [...byKind].sort()) console.log(`    ${String(n).padStart(5)}  ${kind}`);
  }
  if (manifestPath) console.log(`  manifest: ${manifestPath}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
