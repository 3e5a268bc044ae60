/**
 * Serves a campaign's report on localhost, and its progress live: `npm run report:serve -- <campaignDir>
 * [--port 8090]` serves `<campaignDir>/report/` (the built report, with Framework's clean URLs: `/run` →
 * `run.html`) and `/live`, a page that polls `/_live/progress.json`: the run states read from batch.json, runs.jsonl
 * and the run directories at each request (orchestrator/campaign/run/campaign-progress.ts). A campaign still
 * running, with no database and no report yet, can be watched there; `/` then redirects to `/live`.
 *
 * A tiny node:http static server: nothing but files under the report folder and the live page's own files is read.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { readCampaignProgress } from "../orchestrator/campaign/run/campaign-progress.ts";
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../runtime/util/cli.ts";

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

const HERE = dirname(fileURLToPath(import.meta.url));
/** The live page's files, served from the checkout: fixed names, never a path from the request. */
const LIVE_FILES: Record<string, string> = {
  "/live": join(HERE, "live", "index.html"),
  "/live/": join(HERE, "live", "index.html"),
  "/_live/live.js": join(HERE, "live", "live.js"),
  "/_live/run-states.js": join(HERE, "src", "components", "run-states.js"),
};

export const DEFAULT_PORT = 8090;

const USAGE = `Usage: npm run report:serve -- <campaignDir> [--port ${DEFAULT_PORT}]

Serves <campaignDir>/report/ (built by \`npm run report -- <campaignDir>\`) on http://127.0.0.1:<port>/ and the
campaign's progress, live, at /live (it works while the campaign runs, before any report is built).

Options:
  --port <n>   the port to listen on, 0 for any free port (default ${DEFAULT_PORT})
  --help       this text`;

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

/**
 * Starts the server on 127.0.0.1 (`port` 0: any free port); resolves with its URL and a close function. The live
 * routes read `campaignDir`, the report folder's parent unless given.
 */
export async function startReportServer(
  root: string,
  port = 0,
  { campaignDir = dirname(resolve(root)) }: { campaignDir?: string } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("GET or HEAD only\n");
      return;
    }
    if (path === "/_live/progress.json") {
      readCampaignProgress(campaignDir).then(
        (progress) => {
          const body = JSON.stringify({ ...progress, reportBuilt: existsSync(join(root, "index.html")) });
          res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
          res.end(req.method === "HEAD" ? undefined : body);
        },
        (err: Error) => {
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
          res.end(`The campaign's records could not be read: ${err.message}\n`);
        },
      );
      return;
    }
    if (path === "/" && !existsSync(join(root, "index.html"))) {
      res.writeHead(302, { location: "/live" }).end();
      return;
    }
    const file = LIVE_FILES[path] ?? resolveFile(root, req.url ?? "/");
    // Framework sites have no favicon; answering Chromium's automatic request keeps the console free of 404s.
    if (file === undefined && path === "/favicon.ico") {
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
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** `report:serve`'s command line; answers the exit status (the server, once started, keeps the process alive). */
export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: { port: { type: "string" } }, allowPositionals: true } as const;
  return runCommandLine(argv, USAGE, config, io, async ({ values, positionals }) => {
    if (positionals.length !== 1) {
      throw new UsageError(`Expected one campaign directory, got ${positionals.length}: ${positionals.join(" ")}`);
    }
    const arg = positionals[0]!;
    const portText = values.port ?? String(DEFAULT_PORT);
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(portText)}.`);
    }
    const dir = resolve(arg);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new CliError(`report:serve: ${arg} is not a campaign directory (it does not exist).`, { exitCode: 2 });
    }
    const root = join(dir, "report");
    let server;
    try {
      server = await startReportServer(root, port, { campaignDir: dir });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message =
        code === "EADDRINUSE"
          ? `report:serve: port ${port} is in use; choose another with --port <n> (0: any free port).`
          : `report:serve: could not listen on port ${port}: ${(err as Error).message}`;
      throw new CliError(message, { exitCode: 2, cause: err });
    }
    if (existsSync(join(root, "index.html"))) io.out(`Serving ${root} at ${server.url} (Ctrl-C to stop)`);
    else io.out(`No report is built yet in ${root} (build it with: npm run report -- ${arg}).`);
    io.out(`Campaign progress, live: ${server.url}live`);
    return 0;
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
