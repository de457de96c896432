import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { repoRoot } from '@glia/core/testing';

const CHROMIUM = process.env.GLIA_CHROMIUM ?? '/usr/bin/chromium';

/** Whether Debian's Chromium is installed: a loud skip outside CI, an error under CI. */
export function hasChromium(): boolean {
  const found = existsSync(CHROMIUM);
  if (!found && process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing; .ci/run must install chromium`);
  if (!found) console.warn(`SKIPPING browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
  return found;
}

/**
 * Headless Debian Chromium driven by playwright-core (never a downloaded browser), with a fresh
 * profile directory that close() removes.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'glia-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where tests leave files for people to look at (screenshots): GLIA_TEST_OUTPUT or test-output/. */
export function testOutputDir(sub: string): string {
  const dir = join(process.env.GLIA_TEST_OUTPUT ?? join(repoRoot(), 'test-output'), sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
