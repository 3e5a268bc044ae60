/**
 * What the browser tests of the report share: the Debian Chromium they drive (../chromium.ts), whether it must be there (`CI=true`: a missing browser fails instead of skipping), and the
 * offline build of a campaign's report, in an empty network namespace when this machine allows one, so that any
 * request outside fails the build.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { NOTEBOOKS_DIR } from "../build.ts";
import { startReportServer } from "../serve.ts";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireChromium } from "../chromium.ts";

export { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireChromium } from "../chromium.ts";
/** Under CI a browser test runs, and fails, when Chromium is missing; elsewhere it is skipped. */
export const runBrowserTests = hasChromium || process.env.CI === "true";

/** True when this process may create an empty network namespace (root, util-linux `unshare`). */
export function canIsolateNetwork(): boolean {
  return execaSync("unshare", ["-n", "true"], { stdio: "ignore", reject: false }).exitCode === 0;
}

/** Builds `<campaign>/report` with notebooks/build.ts; says whether the build ran without any network. */
export function buildReportOffline(campaign: string): { isolated: boolean } {
  const tsx = join(NOTEBOOKS_DIR, "..", "node_modules", ".bin", "tsx");
  const build = join(NOTEBOOKS_DIR, "build.ts");
  const isolated = canIsolateNetwork();
  const command = isolated ? ["unshare", "-n", tsx, build, campaign] : [tsx, build, campaign];
  const result = execaSync(command[0]!, command.slice(1), { stdin: "ignore", timeout: 120_000, reject: false });
  if (result.failed) throw new Error(`build failed (${result.exitCode ?? null}):\n${result.stdout}\n${result.stderr}`);
  return { isolated };
}

/**
 * Opens `url` in a new window `width` px wide, waits until `ready` resolves on it, runs `use`, then fails if the page
 * shows a Framework error cell or logged a page error or a console error or warning (Plot reports bad channels
 * there, not as error cells). The window is always closed.
 */
export async function openCleanPage(
  browser: Browser,
  url: string,
  width: number,
  ready: (page: Page) => Promise<unknown>,
  use: (page: Page) => Promise<void>,
): Promise<void> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  try {
    await page.goto(url, { waitUntil: "networkidle" });
    await ready(page);
    await use(page);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}

/** A campaign's report, built offline, served on loopback and opened in headless Chromium. */
export interface ReportInBrowser {
  server: Awaited<ReturnType<typeof startReportServer>>;
  browser: Browser;
  /** {@link openCleanPage} on `path` (with its query) of the served report. */
  open(
    path: string,
    width: number,
    ready: (page: Page) => Promise<unknown>,
    use: (page: Page) => Promise<void>,
  ): Promise<void>;
  /** Closes the browser and the server, then removes the campaign folder. */
  close(): Promise<void>;
}

/** Builds `campaign`'s report offline (it must be ingested), serves it and launches Chromium on it. */
export async function openReportInBrowser(campaign: string): Promise<ReportInBrowser> {
  buildReportOffline(campaign);
  const server = await startReportServer(join(campaign, "report"));
  const browser = await chromium
    .launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    .catch(async (err: unknown) => {
      await server.close();
      throw err;
    });
  return {
    server,
    browser,
    open: (path, width, ready, use) => openCleanPage(browser, new URL(path, server.url).href, width, ready, use),
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(campaign, { recursive: true, force: true });
    },
  };
}

/**
 * For a browser test file: before its tests, a temporary campaign folder that `prepare` fills (writes and ingests
 * a campaign, reads what the test expects), then its report in Chromium ({@link openReportInBrowser}); after
 * them, everything closed and removed. `dir` and `open` are for the tests.
 */
export function useReportInBrowser(name: string, prepare: (dir: string) => Promise<void>) {
  let dir: string | undefined;
  let report: ReportInBrowser | undefined;
  beforeAll(async () => {
    requireChromium();
    dir = mkdtempSync(join(tmpdir(), `giraff-${name}-`));
    await prepare(dir);
    report = await openReportInBrowser(dir);
  }, 180_000);
  afterAll(async () => {
    if (report !== undefined) await report.close();
    else if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (dir === undefined) throw new Error("The report's campaign is made before the tests run.");
      return dir;
    },
    open: (...args: Parameters<ReportInBrowser["open"]>) => report!.open(...args),
  };
}
