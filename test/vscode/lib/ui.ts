// UI flows: test/vscode/ui/<name>.ui.ts files, each driving the real workbench through Playwright.
//
//   import type { UiContext } from '../lib/ui';
//   export const locale = 'zh-cn';          // optional: run this flow in its own code-server with that locale
//   export const timeoutMs = 120_000;       // optional (default 180 s)
//   export const workspace = 'test/fixtures/other'; // optional: folder (relative to the repo) copied and opened
//   export const packaged = true;           // optional: the installed VSIX instead of the development extension
//   export const npmPackages = [...];       // optional: packages the runner's local npm registry serves (npm builds)
//   export default async function (ui: UiContext): Promise<void> { … throw to fail … }
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import type { NpmPackage } from '../../fixtures/npmPackages';
import { tapConsole } from './console';
import { OUTPUT_DIR, REPO_ROOT, UI_FLOW_DIR } from './paths';
import { Workbench, remoteUri, workbenchUrl } from './workbench';

export interface UiContext {
  workbench: Workbench;
  page: Page;
  /** This flow's own copy of the test workspace (absolute path on disk, opened as the folder). */
  workspace: string;
  /** The local endpoint the extension is pointed at (the runner's sandbox), if any; none for `packaged` flows. */
  endpoint?: string;
  /** The display language of this run ('en' or e.g. 'zh-cn'). */
  locale: string;
  /** Saves .test-output/screenshots/<flow>-<name>.png (…<name>.<locale>.png when not 'en') and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Every console line of the page so far (workbench and extension host). */
  consoleLines: string[];
  log(message: string): void;
}

export type UiFlowFunction = (ui: UiContext) => Promise<void>;

/**
 * The longest a layer build in a flow may go without its progress message changing (see
 * `Workbench.waitForNotificationWhileProgressing`). Measured: the longest step (pip installing the offline
 * wheels) took 2.7 s in buildPublish on a busy 2-core machine; 60 s is over 20 times that.
 */
export const BUILD_STALL_MS = 60_000;

export interface UiFlow {
  name: string;
  file: string;
  run: UiFlowFunction;
  locale?: string;
  timeoutMs?: number;
  /** Absolute path of the folder to copy and open instead of the runner's workspace. */
  workspace?: string;
  /** Runs against the packaged VSIX installed in its own profile (runner.ts), not the development extension. */
  packaged?: boolean;
  /** Packages the flow's npm builds install: the runner then serves them from a local registry (Verdaccio). */
  npmPackages?: NpmPackage[];
}

export async function loadUiFlows(filter?: string[], dir = UI_FLOW_DIR): Promise<UiFlow[]> {
  if (!fs.existsSync(dir)) return [];
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ui.ts'))
    .map((f) => f.slice(0, -'.ui.ts'.length))
    .filter((name) => !filter || filter.includes(name))
    .sort();
  const flows: UiFlow[] = [];
  for (const name of names) {
    const file = path.join(dir, `${name}.ui.ts`);
    const mod = await import(pathToFileURL(file).href);
    // tsx may wrap a CommonJS default export once more.
    const run = typeof mod.default === 'function' ? mod.default : mod.default?.default;
    if (typeof run !== 'function') throw new Error(`${file} must export a default async function (ui: UiContext)`);
    const option = (key: string) => mod[key] ?? mod.default?.[key];
    const workspace = option('workspace');
    flows.push({
      name,
      file,
      run,
      locale: option('locale'),
      timeoutMs: option('timeoutMs'),
      workspace: workspace === undefined ? undefined : path.resolve(REPO_ROOT, workspace),
      packaged: option('packaged'),
      npmPackages: option('npmPackages'),
    });
  }
  return flows;
}

export interface UiFlowRun {
  browser: Browser;
  serverUrl: string;
  workspace: string;
  /** The development extension; undefined runs the extensions installed in the profile only. */
  extensionPath?: string;
  endpoint?: string;
  locale: string;
  defaultTimeoutMs: number;
  verbose: boolean;
  /** The code-server profile's user-data-dir: its logs folder holds the extension's log. */
  userDataDir: string;
}

/** Where a failed flow leaves its logs: .test-output/failures/<flow>[.<locale>]/. */
export const FAILURE_DIR = path.join(OUTPUT_DIR, 'failures');

/**
 * A failed flow's evidence beside its screenshot: the extension's own log (the "Lambda Layers" output
 * channel, which VS Code writes under the profile's logs folder) and the page's console (workbench and
 * extension host). Returns the folder.
 */
function saveFailureLogs(dir: string, userDataDir: string, consoleLines: string[]): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'console.log'), consoleLines.join('\n'));
  const logsDir = path.join(userDataDir, 'logs');
  const files = fs.existsSync(logsDir) ? (fs.readdirSync(logsDir, { recursive: true }) as string[]) : [];
  for (const file of files.filter((f) => /Lambda Layers\.log$|exthost\.log$/.test(f))) {
    fs.copyFileSync(path.join(logsDir, file), path.join(dir, file.replace(/[\\/]/g, '_')));
  }
  return dir;
}

/** Runs one flow in a fresh browser context; resolves to an error message on failure, undefined on success. */
export async function runUiFlow(flow: UiFlow, run: UiFlowRun): Promise<string | undefined> {
  const context = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const tap = tapConsole(page, `  [${flow.name}] `, run.verbose);
  const workbench = new Workbench(page);
  const timeoutMs = flow.timeoutMs ?? run.defaultTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    const payload: [string, string][] = run.extensionPath
      ? [['extensionDevelopmentPath', remoteUri(run.serverUrl, run.extensionPath)]]
      : [];
    const url = workbenchUrl(run.serverUrl, run.workspace, payload);
    const flowDone = (async () => {
      await page.goto(url, { timeout: 60_000 });
      await workbench.waitReady();
      await flow.run({
        workbench,
        page,
        workspace: run.workspace,
        endpoint: run.endpoint,
        locale: run.locale,
        screenshot: (name) =>
          workbench.screenshot(`${flow.name}-${name}${run.locale === 'en' ? '' : `.${run.locale}`}`),
        consoleLines: tap.lines,
        log: (message) => console.log(`  [${flow.name}] ${message}`),
      });
    })();
    flowDone.catch(() => undefined); // after a timeout its late rejection is expected, not unhandled
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(`timed out after ${timeoutMs} ms`), timeoutMs);
    });
    await Promise.race([flowDone, timedOut]);
    return undefined;
  } catch (err) {
    const suffix = run.locale === 'en' ? '' : `.${run.locale}`;
    const shot = await workbench.screenshot(`${flow.name}-failure${suffix}`).catch(() => undefined);
    const logs = saveFailureLogs(path.join(FAILURE_DIR, `${flow.name}${suffix}`), run.userDataDir, tap.lines);
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return [message, ...(shot ? [`  screenshot: ${shot}`] : []), `  logs: ${logs}`].join('\n');
  } finally {
    clearTimeout(timer);
    tap.dispose();
    await context.close().catch(() => undefined);
  }
}
