// Stub build until the dashboard issue: copies index.html to dist/ with the API URL (VITE_API_URL, as the
// StaticSite sets it) filled in. `npm run build` and `npm run dev` both run it.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const apiUrl = process.env.VITE_API_URL ?? "http://127.0.0.1:3000";
const html = (await readFile(join(here, "index.html"), "utf8")).replace("__API_URL__", apiUrl);
await mkdir(join(here, "dist"), { recursive: true });
await writeFile(join(here, "dist", "index.html"), html);
console.log(`web: wrote dist/index.html (API ${apiUrl})`);
