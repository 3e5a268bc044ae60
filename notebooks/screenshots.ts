/**
 * Screenshots of every page of a built report, as a reader sees them in Chromium: `npm run report:screenshots --
 * metrics-arks/<campaign>` serves `<campaign>/report/` on a free port and writes `notebooks/screenshots/<page>.png`
 * (full page, 1,400 px wide by default) for the overview, the strategies, one run, the fidelity page and the live
 * progress page. The committed screenshots of the default campaign come from this script.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../runtime/util/cli.ts";
import { NOTEBOOKS_DIR } from "./build.ts";
import { startReportServer } from "./serve.ts";
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from "./chromium.ts";

/**
 * The pages, by file name. A Framework page is ready when no cell still shows its `<observablehq-loading>`
 * placeholder; the live page when it has drawn its first answer (`data-ready` on its body).
 */
export const SCREENSHOT_PAGES = [
  { name: "overview", path: "/" },
  { name: "strategies", path: "/strategies" },
  { name: "run", path: "/run" },
  { name: "fidelity", path: "/fidelity" },
  { name: "live", path: "/live" },
] as const;

// evaluated in the page (a string: this module is compiled without the DOM's types)
const READY = `(() => {
  const main = document.querySelector("main");
  return main !== null ? main.querySelector("observablehq-loading") === null : document.body.dataset.ready === "true";
})()`;

const USAGE = `Usage: npm run report:screenshots -- <campaignDir> [--out notebooks/screenshots] [--width 1400]

Serves <campaignDir>/report/ (build it first: npm run report -- <campaignDir>) and writes a full-page PNG of each
page (${SCREENSHOT_PAGES.map((p) => p.name).join(", ")}) to <out>/<page>.png, taken in headless Chromium.

Options:
  --out <dir>     where the PNGs go (default notebooks/screenshots)
  --width <px>    the window width, 320 to 3840 (default 1400)
  --help          this text`;

export async function takeScreenshots(
  campaignDir: string,
  { out, width }: { out: string; width: number },
  io: CliIo = consoleIo,
): Promise<string[]> {
  requireChromium();
  mkdirSync(out, { recursive: true });
  const server = await startReportServer(join(campaignDir, "report"), 0, { campaignDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const written: string[] = [];
  try {
    for (const { name, path } of SCREENSHOT_PAGES) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(new URL(path, server.url).href, { waitUntil: "networkidle" });
      await page.waitForFunction(READY, undefined, { timeout: 30_000 });
      const file = join(out, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      io.out(`${file}`);
      written.push(file);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return written;
}

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: { out: { type: "string" }, width: { type: "string" } }, allowPositionals: true } as const;
  return runCommandLine(argv, USAGE, config, io, async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`Expected one campaign directory, got ${positionals.length}.`);
    const width = Number(values.width ?? "1400");
    if (!Number.isInteger(width) || width < 320 || width > 3840) {
      throw new UsageError(`--width must be an integer from 320 to 3840, got ${JSON.stringify(values.width)}.`);
    }
    const dir = resolve(positionals[0]!);
    if (!existsSync(join(dir, "report", "index.html"))) {
      throw new CliError(`${dir} has no built report; build it first: npm run report -- ${positionals[0]}`, {
        exitCode: 2,
      });
    }
    await takeScreenshots(dir, { out: resolve(values.out ?? join(NOTEBOOKS_DIR, "screenshots")), width }, io);
    return 0;
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
