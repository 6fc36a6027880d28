// Runs the Mocha suite (out/test/suite/index.js) inside a real extension host: the workbench opened with
// extensionTestsPath loads it, and reports the outcome through window.codeAutomationExit.
import type { Browser } from 'playwright-core';
import { tapConsole } from './console';
import { Workbench, remoteUri, workbenchUrl } from './workbench';

export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  /** Set when the suite could not run to completion (load error, crash, timeout). */
  error?: string;
}

export const RESULT_MARKER = '[vscode-suite-result]';

export interface SuiteRun {
  browser: Browser;
  serverUrl: string;
  workspace: string;
  extensionPath: string;
  suiteEntry: string;
  timeoutMs: number;
  verbose: boolean;
}

export async function runSuite(run: SuiteRun): Promise<SuiteResult> {
  const context = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const tap = tapConsole(page, '  ', run.verbose);
  try {
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));

    const url = workbenchUrl(run.serverUrl, run.workspace, [
      ['extensionDevelopmentPath', remoteUri(run.serverUrl, run.extensionPath)],
      ['extensionTestsPath', remoteUri(run.serverUrl, run.suiteEntry.replace(/\.js$/, ''))],
    ]);
    await page.goto(url, { timeout: 60_000 });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), run.timeoutMs)));
    const code = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));

    // The result line is logged just before the exit call; give its console event a moment to arrive.
    const deadline = Date.now() + 3000;
    let marker: string | undefined;
    while (
      !(marker = (await tap.flush(), tap.lines.find((l) => l.startsWith(RESULT_MARKER)))) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = marker ? JSON.parse(marker.slice(RESULT_MARKER.length)) : undefined;
    const result: SuiteResult = {
      passed: counts?.passed ?? 0,
      failed: counts?.failed ?? 0,
      skipped: counts?.pending ?? 0,
    };
    if (code === 'timeout') result.error = `the suite did not finish within ${run.timeoutMs} ms`;
    else if (!counts) result.error = `the suite exited with code ${code} before running its tests`;
    else if (code !== 0 && result.failed === 0) result.error = `the suite exited with code ${code}`;
    if (result.error) {
      const shot = await new Workbench(page).screenshot('suite-failure').catch(() => undefined);
      if (shot) console.log(`  screenshot: ${shot}`);
    }
    return result;
  } finally {
    tap.dispose();
    await context.close().catch(() => undefined);
  }
}
