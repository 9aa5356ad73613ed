/**
 * What the browser tests need from the machine, checked before Chromium starts: Debian's Chromium
 * (or CHROMIUM_PATH) and a CJK font, without which the console's Chinese renders as boxes. Missing
 * ones are named in one line with the command that installs them (what .ci/run runs).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when fontconfig knows a font covering Chinese. */
export function hasCjkFont(): boolean {
  const out = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return !out.error && out.status === 0 && out.stdout.trim() !== '';
}

/** One line naming what is missing and how to install it, or null when nothing is. */
export function missingBrowserPrerequisites(
  chromiumPath: string,
  cjkFont: () => boolean = hasCjkFont,
): string | null {
  const missing: string[] = [];
  const packages: string[] = [];
  if (!executable(chromiumPath)) {
    missing.push(`Chromium (no executable at ${chromiumPath}; CHROMIUM_PATH names another)`);
    packages.push('chromium');
  }
  if (!cjkFont()) {
    missing.push('a CJK font (Chinese would render as boxes)');
    packages.push('fonts-wqy-microhei');
  }
  if (missing.length === 0) return null;
  return `The browser tests need ${missing.join(' and ')}: sudo apt-get install -y ${packages.join(' ')} (.ci/run installs them when missing)`;
}
