import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";

/** One local file to upload and the key it goes to. */
export interface LocalFile {
  path: string;
  key: string;
  size: number;
}

export interface FilePlan {
  files: LocalFile[];
  /** Files left out, with why (not a data file, a name no key can hold). */
  ignored: { path: string; why: string }[];
  /** Key prefixes that cover every planned key: listed once to see what is already uploaded. */
  prefixes: string[];
}

/** What the pipeline reads: CSV, JSON, JSON lines, each optionally gzipped. */
export const DATA_FILE = /\.(csv|json|jsonl|ndjson)(\.gz)?$/i;

/**
 * The files under the given paths and their keys: a folder's files go to `<prefix><folder name>/<path inside it>`
 * (its layout kept, so `symbol=` / `interval=` / `tz=` folders still speak to the parsers), a file to
 * `<prefix><file name>`. The same paths always give the same keys, which is what makes a rerun resume.
 * e.g. `planFiles(["exports"], "raw/backfill/")` → `exports/2024/AAPL.csv` at `raw/backfill/exports/2024/AAPL.csv`.
 */
export async function planFiles(paths: readonly string[], prefix: string): Promise<FilePlan> {
  const files: LocalFile[] = [];
  const ignored: FilePlan["ignored"] = [];
  const prefixes: string[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new Error(`${given}: no such file or folder`);
    if (info.isFile()) {
      const key = `${prefix}${basename(path)}`;
      const why = whyNot(basename(path), 0, [basename(path)]);
      if (why) ignored.push({ path, why });
      else {
        files.push({ path, key, size: info.size });
        prefixes.push(key);
      }
      continue;
    }
    const folderPrefix = `${prefix}${basename(path)}/`;
    prefixes.push(folderPrefix);
    const entries: Dirent[] = await readdir(path, { recursive: true, withFileTypes: true });
    const found = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const sized = await statAll(found);
    for (const { file, size } of sized) {
      const rel = relative(path, file).split(sep);
      const why = rel.map(whyNot).find((w) => w !== null) ?? null;
      if (why) ignored.push({ path: file, why });
      else files.push({ path: file, key: folderPrefix + rel.join("/"), size });
    }
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const other = seen.get(file.key);
    if (other !== undefined) throw new Error(`${other} and ${file.path} would both be uploaded as ${file.key}`);
    seen.set(file.key, file.path);
  }
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { files, ignored, prefixes: [...new Set(prefixes)] };
}

/** Why a path segment cannot be part of an uploaded key, or null. */
function whyNot(segment: string, index: number, segments: readonly string[]): string | null {
  if (segment.startsWith(".")) return "hidden";
  if (segment.includes("\\")) return "a backslash in the name";
  if ([...segment].some((ch) => ch.charCodeAt(0) < 32)) return "a control character in the name";
  if (index === segments.length - 1 && !DATA_FILE.test(segment)) return "not CSV, JSON or JSON lines (.gz allowed)";
  return null;
}

async function statAll(paths: string[]): Promise<{ file: string; size: number }[]> {
  const out: { file: string; size: number }[] = [];
  for (let i = 0; i < paths.length; i += 256) {
    const batch = paths.slice(i, i + 256);
    out.push(...(await Promise.all(batch.map(async (file) => ({ file, size: (await stat(file)).size })))));
  }
  return out;
}
