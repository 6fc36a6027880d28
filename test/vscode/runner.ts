// The in-VS-Code test tier (npm run test:vscode). Needs `npm run compile` first (dist/ and out/test/suite/).
//
// 1. Starts the local sandbox endpoint (src/sandbox/server.ts, when present) and code-server with a throwaway
//    profile whose user settings point the extension at it (lambdaLayers.connection = local, .endpoint = URL).
// 2. Opens the workbench in headless Chromium with this repo as a development extension and
//    out/test/suite/index as extensionTestsPath: the Mocha suite (test/vscode/suite/*.test.ts) runs in the
//    real extension host.
// 3. Runs the Playwright UI flows (test/vscode/ui/*.ui.ts), each in a fresh window on its own workspace copy
//    and, when the runner owns the sandbox, against an empty sandbox (same URL). Flows that export
//    `packaged = true` run instead against the extension as users get it: the VSIX made by `npm run package`,
//    installed with --install-extension into a profile of its own (no development extension, no lambdaLayers.*
//    settings, no AWS credentials), so the extension starts its own built-in local endpoint.
// Ends with the line `vscode: N passed, M failed`; exits non-zero on any failure. Everything started is
// stopped, also on failure or timeout.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './lib/browser';
import { startCodeServer, type CodeServer } from './lib/codeServer';
import { DEFAULT_WORKSPACE, OUTPUT_DIR, REPO_ROOT, SCREENSHOT_DIR, SUITE_ENTRY } from './lib/paths';
import { runSuiteInDesktop } from './lib/desktop';
import { createProfile } from './lib/profile';
import { startSandboxIfPresent, type Sandbox, type SandboxOptions } from './lib/sandbox';
import { TEST_CREDENTIALS } from '../helpers/sandbox';
import { runSuite } from './lib/suite';
import { FAILURE_DIR, loadUiFlows, runUiFlow, type UiFlow } from './lib/ui';
import { installVsix, packageVsix } from './lib/vsix';
import { offlinePipEnvironment } from './lib/wheelhouse';
import { startNpmRegistry, type NpmRegistry } from '../helpers/npmRegistry';

export interface VsCodeTestOptions {
  /** Extension loaded as development extension (default: this repo). */
  extensionPath?: string;
  /** Folder copied to a temp dir and opened (default: test/fixtures/demo-workspace). */
  workspace?: string;
  /** Display language for the suite and for flows that do not pick one (default 'en'). */
  locale?: string;
  /** Extra user settings (override the runner's lambdaLayers.* ones). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Start the sandbox (default true, when src/sandbox/server.ts exists); an object passes options to it. */
  sandbox?: boolean | Omit<SandboxOptions, 'dataDir'>;
  /** Use this endpoint instead of starting a sandbox. */
  endpoint?: string;
  /** The VSIX that `packaged` flows install (default: one made with `npm run package` from the working tree). */
  vsix?: string;
  /** Run the Mocha suite (default true). */
  suite?: boolean;
  /** Run the suite in desktop VS Code through @vscode/test-electron instead of code-server (lib/desktop.ts). */
  desktop?: boolean;
  /** Only these suite files (base names without .test.ts). */
  suiteFiles?: string[];
  /** Mocha grep over test titles. */
  grep?: string;
  /** Run the UI flows (default true); a list runs only those (base names without .ui.ts). */
  ui?: boolean | string[];
  suiteTimeoutMs?: number;
  flowTimeoutMs?: number;
  /** Print every console line of the workbench, noise included. */
  verbose?: boolean;
  /** Keep the temp profile and workspace copies (their path is printed). */
  keepTemp?: boolean;
}

export interface VsCodeTestResult {
  passed: number;
  failed: number;
  skipped: number;
}

/** AWS variables that could make the extension reach a real account from a test run. */
const AWS_ENV_TO_CLEAR = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
];

function copyWorkspace(source: string, target: string): string {
  if (!fs.existsSync(source)) throw new Error(`workspace folder ${source} does not exist`);
  fs.cpSync(source, target, { recursive: true });
  return target;
}

/** Cleanup must not hang a run: waits at most 10 s, reporting (not throwing) problems. */
async function bounded(step: Promise<unknown> | void | undefined, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise((resolve) => (timer = setTimeout(() => resolve(`${what} took over 10 s`), 10_000)));
  const outcome = await Promise.race([
    Promise.resolve(step).then(
      () => undefined,
      (err) => `${what} failed: ${err}`,
    ),
    limit,
  ]);
  clearTimeout(timer);
  if (outcome) console.log(`warning: ${outcome}`);
}

/** Old failure screenshots and logs would read as failures of this run. */
function removeFailureScreenshots(): void {
  fs.rmSync(FAILURE_DIR, { recursive: true, force: true });
  if (!fs.existsSync(SCREENSHOT_DIR)) return;
  for (const f of fs.readdirSync(SCREENSHOT_DIR))
    if (/-failure(\.[\w-]+)?\.png$/.test(f)) fs.rmSync(path.join(SCREENSHOT_DIR, f), { force: true });
}

interface Instance {
  server: CodeServer;
  /** Its profile's user-data-dir (logs). */
  userDataDir: string;
  locale: string;
  /** Runs the installed VSIX instead of the development extension. */
  packaged: boolean;
}

export async function runVsCodeTests(options: VsCodeTestOptions = {}): Promise<VsCodeTestResult> {
  const extensionPath = path.resolve(options.extensionPath ?? REPO_ROOT);
  const workspaceSource = path.resolve(options.workspace ?? DEFAULT_WORKSPACE);
  const baseLocale = options.locale ?? 'en';
  const verbose = options.verbose ?? false;
  const result: VsCodeTestResult = { passed: 0, failed: 0, skipped: 0 };
  const fail = (what: string, message: string) => {
    result.failed++;
    console.log(`✗ ${what}\n${message.replace(/^/gm, '    ')}`);
  };

  for (const required of [
    path.join(extensionPath, 'package.json'),
    ...(options.suite === false ? [] : [SUITE_ENTRY]),
  ]) {
    if (!fs.existsSync(required)) throw new Error(`${required} is missing: run \`npm run compile\` first.`);
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'll-vscode-'));
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  if (!options.keepTemp) process.on('exit', removeRoot); // also when interrupted
  const logDir = path.join(OUTPUT_DIR, 'vscode-logs');
  let sandbox: Sandbox | undefined;
  let npmRegistry: NpmRegistry | undefined;
  let browser: Browser | undefined;
  const instances: Instance[] = [];

  try {
    let endpoint = options.endpoint ?? process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
    const ownSandbox = !endpoint && options.sandbox !== false;
    const sandboxOptions = typeof options.sandbox === 'object' ? options.sandbox : {};
    let sandboxRuns = 0;
    /** The suite and each flow get an empty sandbox on the same port, so the extension's settings stay valid. */
    const freshSandbox = async () => {
      if (!ownSandbox) return;
      const port = sandbox?.port ?? sandboxOptions.port;
      if (sandbox) await bounded(sandbox.close(), 'closing the sandbox');
      sandbox = await startSandboxIfPresent({
        ...sandboxOptions,
        port,
        dataDir: path.join(root, `sandbox-${sandboxRuns++}`),
        secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
      });
    };
    if (ownSandbox) {
      await freshSandbox();
      endpoint = sandbox?.url;
      console.log(sandbox ? `sandbox: ${sandbox.url}` : 'sandbox: src/sandbox/server.ts not present, none started');
    }

    const flows: UiFlow[] =
      options.ui === false ? [] : await loadUiFlows(Array.isArray(options.ui) ? options.ui : undefined);
    // npm builds install from a local registry serving only what the flows declare: no network, no user npmrc.
    const npmPackages = new Map(flows.flatMap((f) => f.npmPackages ?? []).map((p) => [`${p.name}@${p.version}`, p]));
    if (npmPackages.size > 0) {
      npmRegistry = await startNpmRegistry();
      await npmRegistry.publish(...npmPackages.values());
      console.log(`npm registry: ${npmRegistry.url} (${npmPackages.size} packages)`);
    }
    const npmConfig = Object.fromEntries(
      Object.entries(npmRegistry?.npmEnv() ?? {}).filter(([name]) => /^npm_config_/.test(name)),
    );

    const settings = {
      ...(endpoint ? { 'lambdaLayers.connection': 'local', 'lambdaLayers.endpoint': endpoint } : {}),
      ...options.settings,
    };
    // No shared AWS config or credentials: tests see only what they set up themselves.
    const awsDir = path.join(root, 'aws');
    fs.mkdirSync(awsDir);
    for (const file of ['config', 'credentials']) fs.writeFileSync(path.join(awsDir, file), '');
    const env: Record<string, string | undefined> = {
      AWS_CONFIG_FILE: path.join(awsDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
      LAMBDA_LAYERS_TEST_OUTPUT: OUTPUT_DIR,
      // The extension signs for an external local endpoint with these, as a user would export them for a
      // standalone sandbox; suites' own clients (lambdaClient) use the same TEST_CREDENTIALS.
      ...(endpoint
        ? {
            LAMBDA_LAYERS_TEST_ENDPOINT: endpoint,
            AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
          }
        : {}),
      // The extension offers its walkthrough once per profile, which the flows of one locale share; only the
      // packaged flows (a user's first start) get the offer.
      LAMBDA_LAYERS_NO_WALKTHROUGH_OFFER: '1',
      ...(options.grep ? { LAMBDA_LAYERS_SUITE_GREP: options.grep } : {}),
      ...(options.suiteFiles ? { LAMBDA_LAYERS_SUITE_FILES: options.suiteFiles.join(',') } : {}),
      // Layer builds install from generated wheels only: no network, no user pip config.
      ...(await offlinePipEnvironment(root)),
      ...npmConfig,
      ...options.env,
    };
    for (const name of AWS_ENV_TO_CLEAR) if (!(name in env)) env[name] = undefined;

    let vsix: Promise<string> | undefined = options.vsix ? Promise.resolve(path.resolve(options.vsix)) : undefined;
    const packagedVsix = () =>
      (vsix ??= (async () => {
        const started = Date.now();
        const file = await packageVsix(root);
        console.log(`vsix: ${file} (${fs.statSync(file).size} bytes) packaged in ${Date.now() - started} ms`);
        return file;
      })());

    const instanceFor = async (locale: string, packaged = false): Promise<Instance> => {
      const existing = instances.find((i) => i.locale === locale && i.packaged === packaged);
      if (existing) return existing;
      const name = `${locale}${packaged ? '-vsix' : ''}`;
      const dir = path.join(root, `profile-${name}`);
      // The installed extension finds no lambdaLayers.* settings and no credentials: it starts its own endpoint.
      const profile = createProfile(dir, packaged ? {} : settings, locale);
      if (packaged) console.log(`installed: ${await installVsix(profile, await packagedVsix())}`);
      const started = Date.now();
      const logFile = path.join(logDir, `code-server-${name}.log`);
      const server = await startCodeServer({
        ...profile,
        workspace: copyWorkspace(workspaceSource, path.join(dir, 'workspace')),
        locale: locale === 'en' ? undefined : locale,
        env: packaged
          ? {
              ...env,
              LAMBDA_LAYERS_NO_WALKTHROUGH_OFFER: undefined,
              LAMBDA_LAYERS_TEST_ENDPOINT: undefined,
              AWS_ACCESS_KEY_ID: undefined,
              AWS_SECRET_ACCESS_KEY: undefined,
            }
          : env,
        logFile,
      });
      console.log(`code-server (${name}): ${server.url} in ${Date.now() - started} ms, log ${logFile}`);
      const instance = { server, userDataDir: profile.userDataDir, locale, packaged };
      instances.push(instance);
      return instance;
    };

    fs.rmSync(logDir, { recursive: true, force: true });
    removeFailureScreenshots();
    if (options.suite !== false) {
      const started = Date.now();
      const workspace = copyWorkspace(workspaceSource, path.join(root, 'suite', path.basename(workspaceSource)));
      console.log(`suite (${baseLocale}${options.desktop ? ', desktop' : ''}):`);
      const suite = options.desktop
        ? await runSuiteInDesktop({
            workspace,
            extensionPath,
            suiteEntry: SUITE_ENTRY,
            profile: createProfile(path.join(root, 'desktop-profile'), settings, baseLocale),
            locale: baseLocale,
            env,
          })
        : await runSuite({
            browser: (browser ??= await launchBrowser()),
            serverUrl: (await instanceFor(baseLocale)).server.url,
            workspace,
            extensionPath,
            suiteEntry: SUITE_ENTRY,
            timeoutMs: options.suiteTimeoutMs ?? 10 * 60_000,
            verbose,
          });
      result.passed += suite.passed;
      result.failed += suite.failed;
      result.skipped += suite.skipped;
      if (suite.error) fail('suite', suite.error);
      console.log(
        `suite: ${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped in ${Date.now() - started} ms`,
      );
    }

    for (const flow of flows) {
      const locale = flow.locale ?? baseLocale;
      const packaged = flow.packaged ?? false;
      const { server, userDataDir } = await instanceFor(locale, packaged);
      if (!packaged) await freshSandbox();
      const started = Date.now();
      const error = await runUiFlow(flow, {
        browser: (browser ??= await launchBrowser()),
        serverUrl: server.url,
        workspace: copyWorkspace(
          flow.workspace ?? workspaceSource,
          path.join(root, 'ui', flow.name, path.basename(flow.workspace ?? workspaceSource)),
        ),
        extensionPath: packaged ? undefined : extensionPath,
        endpoint: packaged ? undefined : endpoint,
        locale,
        defaultTimeoutMs: options.flowTimeoutMs ?? 180_000,
        verbose,
        userDataDir,
      });
      if (error) fail(`ui ${flow.name} (${locale})`, error);
      else {
        result.passed++;
        console.log(`✓ ui ${flow.name} (${locale}) in ${Date.now() - started} ms`);
      }
    }
    return result;
  } finally {
    await bounded(browser?.close(), 'closing Chromium');
    await Promise.all(instances.map((i) => i.server.stop()));
    await bounded(sandbox?.close(), 'closing the sandbox');
    await bounded(npmRegistry?.close(), 'closing the npm registry');
    if (options.keepTemp) console.log(`kept ${root}`);
    else {
      removeRoot();
      process.off('exit', removeRoot);
    }
  }
}

function parseArgs(argv: string[]): VsCodeTestOptions {
  const options: VsCodeTestOptions = {};
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--locale':
        options.locale = value();
        break;
      case '--grep':
        options.grep = value();
        break;
      case '--files':
        options.suiteFiles = list(value());
        break;
      case '--ui':
        options.ui = list(value());
        break;
      case '--no-ui':
        options.ui = false;
        break;
      case '--no-suite':
        options.suite = false;
        break;
      case '--desktop':
        options.desktop = true;
        break;
      case '--workspace':
        options.workspace = value();
        break;
      case '--extension':
        options.extensionPath = value();
        break;
      case '--endpoint':
        options.endpoint = value();
        break;
      case '--vsix':
        options.vsix = value();
        break;
      case '--no-sandbox':
        options.sandbox = false;
        break;
      case '--suite-timeout':
        options.suiteTimeoutMs = Number(value());
        break;
      case '--flow-timeout':
        options.flowTimeoutMs = Number(value());
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--keep-temp':
        options.keepTemp = true;
        break;
      default:
        throw new Error(
          `unknown argument ${arg}\nusage: runner.ts [--locale zh-cn] [--grep re] [--files a,b] [--ui a,b | --no-ui] [--no-suite] [--desktop]\n` +
            '       [--workspace dir] [--extension dir] [--endpoint url | --no-sandbox] [--vsix file] [--suite-timeout ms]\n' +
            '       [--flow-timeout ms]' +
            ' [--verbose] [--keep-temp]',
        );
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const totalTimeoutMs = Number(process.env.LAMBDA_LAYERS_VSCODE_TIMEOUT_MS ?? 30 * 60_000);
  // Last resort: 'exit' handlers registered by startCodeServer kill code-server's tree.
  const watchdog = setTimeout(() => {
    console.log(`vscode tests exceeded ${totalTimeoutMs} ms, aborting`);
    console.log('vscode: 0 passed, 1 failed');
    process.exit(1);
  }, totalTimeoutMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

  const started = Date.now();
  let result: VsCodeTestResult;
  try {
    result = await runVsCodeTests(options);
  } catch (err) {
    console.log(`✗ ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    result = { passed: 0, failed: 1, skipped: 0 };
  }
  clearTimeout(watchdog);
  console.log(`(${result.skipped} skipped, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`vscode: ${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed > 0 || result.passed === 0 ? 1 : 0);
}

if (require.main === module) void main();
