/**
 * The Debian Chromium that the screenshots (`npm run report:screenshots`) and the report's browser tests drive
 * through playwright-core, with the flags a headless run in a container needs; no browser is downloaded.
 */
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const hasChromium = existsSync(CHROMIUM);

export function requireChromium(): void {
  if (!hasChromium) {
    throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (apt-get install -y chromium).`);
  }
}
