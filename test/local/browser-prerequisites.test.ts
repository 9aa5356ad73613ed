/** The browser tests' first check: what is missing, and how to install it, in one line. */
import { describe, expect, it } from 'vitest';
import { hasCjkFont, missingBrowserPrerequisites } from '../support/browser-prerequisites';
import { CHROMIUM, launchChromium } from '../support/chromium';

describe('browser test prerequisites', () => {
  it('names a missing Chromium and a missing CJK font in one line, with the apt-get line', () => {
    const line = missingBrowserPrerequisites('/nonexistent/chromium', () => false)!;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('Chromium (no executable at /nonexistent/chromium');
    expect(line).toContain('a CJK font');
    expect(line).toContain('sudo apt-get install -y chromium fonts-wqy-microhei');
    expect(missingBrowserPrerequisites('/nonexistent/chromium', () => true)).toMatch(
      /install -y chromium \(/,
    );
    expect(missingBrowserPrerequisites(process.execPath, () => false)).toMatch(
      /^The browser tests need a CJK font .*install -y fonts-wqy-microhei /,
    );
  });

  it('launchChromium refuses with that line before launching', async () => {
    const expected = missingBrowserPrerequisites(CHROMIUM);
    if (expected) await expect(launchChromium()).rejects.toThrow(expected);
    else {
      // This machine has both: the check lets the launch through.
      expect(hasCjkFont()).toBe(true);
      const browser = await launchChromium();
      await browser.close();
    }
  });
});
