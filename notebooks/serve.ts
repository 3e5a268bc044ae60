/**
 * Serves a built report on localhost: `npm run report:serve -- metrics-arks/<campaign> [--port 8090]` serves
 * `<campaignDir>/report/` and prints the URL. A tiny node:http static server with Framework's clean URLs
 * (`/run` → `run.html`, `/` → `index.html`); nothing but files under the report folder is ever read.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The file a URL path names under `root`, or undefined (also for anything that would escape `root`). */
export function resolveFile(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return undefined;
  }
  const base = resolve(root);
  const target = resolve(base, `.${path}`);
  if (target !== base && !target.startsWith(base + sep)) return undefined;
  const candidates = path.endsWith("/")
    ? [join(target, "index.html")]
    : [target, `${target}.html`, join(target, "index.html")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Starts the server on 127.0.0.1 (`port` 0: any free port); resolves with its URL and a close function. */
export async function startReportServer(root: string, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const file = req.method === "GET" || req.method === "HEAD" ? resolveFile(root, req.url ?? "/") : undefined;
    // Framework sites have no favicon; answering Chromium's automatic request keeps the console free of 404s.
    if (file === undefined && req.url === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (file === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", done);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portAt = args.indexOf("--port");
  const port = portAt === -1 ? 8090 : Number(args[portAt + 1]);
  const dir = args.find((a, i) => !a.startsWith("-") && i !== portAt + 1);
  if (dir === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("Usage: npm run report:serve -- <campaignDir> [--port 8090]");
    process.exitCode = 2;
    return;
  }
  const root = join(resolve(dir), "report");
  if (!existsSync(join(root, "index.html"))) {
    console.error(`${root} has no built report; build it first: npm run report -- ${dir}`);
    process.exitCode = 2;
    return;
  }
  const { url } = await startReportServer(root, port);
  console.log(`Serving ${root} at ${url} (Ctrl-C to stop)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
