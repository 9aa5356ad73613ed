/** The one way browser tests start Chromium: Debian's build, headless, as CI installs it. */
import { type Browser, chromium } from 'playwright-core';
import { missingBrowserPrerequisites } from './browser-prerequisites';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // Said in one line before a launch fails with a stack trace about a missing file.
  const missing = missingBrowserPrerequisites(CHROMIUM);
  if (missing) return Promise.reject(new Error(missing));
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
