// npm start: builds the extension and opens it on a demo workspace (a Python function that needs flask).
// With a desktop VS Code (`code` on PATH) it opens an Extension Development Host window; otherwise it starts
// code-server on 127.0.0.1 with this repo loaded as a development extension and prints the URL to open.
// Either way it runs a local Lambda endpoint holding a function, demo-fn, so the whole tutorial works
// (build → publish → attach → invoke), and keeps running until Ctrl+C.
//   npm start -- --locale zh-cn   the editor (and the extension) in Simplified Chinese
//   npm start -- --reset          start over: a fresh copy of the demo workspace and an empty local endpoint
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { hasAnyCredentials } from '../src/aws/connection';
import { parseArgs } from 'node:util';
import { freePort, startCodeServer } from '../test/vscode/lib/codeServer';
import { installLanguagePack } from '../test/vscode/lib/profile';
import { CACHE_DIR, REPO_ROOT } from '../test/vscode/lib/paths';
import { remoteUri, workbenchUrl } from '../test/vscode/lib/workbench';
import { DEMO_FUNCTION, seedDemoFunction, startLocalEndpoint } from './demo/localEndpoint';
import { demoPipEnvironment } from './demo/pip';
import { updateSettingsFile } from './demo/settings';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
const WORKSPACE = path.join(CACHE_DIR, 'demo-workspace');
const PROFILE = path.join(CACHE_DIR, 'demo-profile');
const SANDBOX_DATA = path.join(CACHE_DIR, 'demo-sandbox');
const PREFERRED_PORT = Number(process.env.LAMBDA_LAYERS_DEMO_PORT ?? 8080);
const PREFERRED_SANDBOX_PORT = Number(process.env.LAMBDA_LAYERS_DEMO_SANDBOX_PORT ?? 8081);

type Settings = Record<string, unknown>;

const { values: args } = parseArgs({ options: { locale: { type: 'string' }, reset: { type: 'boolean' } } });
const LOCALE = args.locale && args.locale !== 'en' ? args.locale.toLowerCase() : undefined;

/** --reset: the workspace copy and the endpoint's data go; the editor profile (settings, extensions) stays. */
function reset(): void {
  for (const dir of [WORKSPACE, SANDBOX_DATA]) fs.rmSync(dir, { recursive: true, force: true });
  console.log(`--reset: removed ${WORKSPACE} and ${SANDBOX_DATA}`);
}

function build(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed (node esbuild.mjs); see above');
}

/** A fresh copy the first time; later runs keep what the user did in it. */
function prepareWorkspace(): string {
  if (!fs.existsSync(WORKSPACE)) fs.cpSync(FIXTURE, WORKSPACE, { recursive: true });
  return WORKSPACE;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function pickPort(preferred: number): Promise<number> {
  return (await portIsFree(preferred)) ? preferred : freePort();
}

/**
 * The demo is about the local endpoint for people without AWS credentials: then the extension is pointed at the
 * demo's endpoint. With credentials (the same check as the `auto` connection) the demo does not take AWS away:
 * both keys are removed, so `auto` connects to AWS. The demo owns these two keys in its profile / workspace copy
 * and sets them on every start (the endpoint's port may change).
 */
function connectionSettings(useLocal: boolean, endpoint: string): Settings {
  return useLocal
    ? { 'lambdaLayers.connection': 'local', 'lambdaLayers.endpoint': endpoint }
    : { 'lambdaLayers.connection': undefined, 'lambdaLayers.endpoint': undefined };
}

function applySettings(file: string, settings: Settings): void {
  if (updateSettingsFile(file, settings)) return;
  const wanted = Object.entries(settings).filter(([, v]) => v !== undefined);
  console.warn(
    `${file} is not plain JSON, so the demo left it alone.` +
      (wanted.length ? ` Set there: ${JSON.stringify(Object.fromEntries(wanted))}` : ''),
  );
}

/** Stops everything on Ctrl+C (or SIGTERM); until then the endpoint serves the open window. */
function serveUntilInterrupted(stops: (() => Promise<void> | void)[]): Promise<never> {
  const stop = () => void Promise.allSettled(stops.map((s) => s())).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<never>(() => undefined);
}

function withoutUndefined(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

async function openInCodeServer(
  workspace: string,
  settings: Settings,
  env: Record<string, string | undefined>,
): Promise<{ stop(): Promise<void> }> {
  const userDataDir = path.join(PROFILE, 'user-data');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  // First run only: open the workspace's README instead of VS Code's walkthrough; later the user's settings win.
  if (!fs.existsSync(settingsFile)) applySettings(settingsFile, { 'workbench.startupEditor': 'readme' });
  applySettings(settingsFile, settings);
  const extensionsDir = path.join(PROFILE, 'extensions');
  // code-server has no language packs offline; the tests' stub registers the locale, so the extension's own
  // Chinese applies (VS Code's menus stay English).
  if (LOCALE) installLanguagePack({ userDataDir, extensionsDir }, LOCALE);
  const port = await pickPort(PREFERRED_PORT);
  const server = await startCodeServer({
    userDataDir,
    extensionsDir,
    workspace,
    port,
    locale: LOCALE,
    env,
    logFile: path.join(PROFILE, 'code-server.log'),
  });
  // code-server has no --extensionDevelopmentPath flag; the workbench takes it from the URL's payload.
  const url = workbenchUrl(server.url, workspace, [['extensionDevelopmentPath', remoteUri(server.url, REPO_ROOT)]]);
  console.log(`\nLambda Layers demo is running in code-server (log: ${path.join(PROFILE, 'code-server.log')}).`);
  console.log(`Open this URL in a browser on this machine (or forward port ${port}):\n\n  ${url}\n`);
  console.log('After `npm run compile`, run "Developer: Reload Window" to pick up changes.');
  return server;
}

/** Desktop VS Code uses the user's own profile, so the demo's settings go to the workspace copy instead. */
function openInDesktop(workspace: string, settings: Settings, env: Record<string, string | undefined>): void {
  applySettings(path.join(workspace, '.vscode', 'settings.json'), settings);
  // --locale takes effect when that language pack is installed (e.g. "Chinese (Simplified) Language Pack").
  const child = spawn(
    'code',
    [`--extensionDevelopmentPath=${REPO_ROOT}`, ...(LOCALE ? [`--locale=${LOCALE}`] : []), workspace],
    {
      stdio: 'inherit',
      detached: true,
      env: withoutUndefined({ ...process.env, ...env }),
    },
  );
  child.unref();
  console.log('\nOpened an Extension Development Host window in VS Code.');
}

async function main(): Promise<void> {
  // Our own dev script on the machine's Node: the SDK's advice to move to a newer Node is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  build();
  if (args.reset) reset();
  const workspace = prepareWorkspace();
  console.log(`demo workspace: ${workspace} (kept between runs; \`npm start -- --reset\` starts over)`);

  const endpoint = await startLocalEndpoint(
    SANDBOX_DATA,
    await pickPort(PREFERRED_SANDBOX_PORT),
    path.join(PROFILE, 'sandbox.log'),
  );
  const seeded = await seedDemoFunction(endpoint, path.join(workspace, 'handler.py'));
  console.log(
    `local endpoint: ${endpoint.url} (data in ${SANDBOX_DATA}; ${DEMO_FUNCTION} ${seeded === 'created' ? 'created' : 'already there, kept as it is'})`,
  );
  const useLocal = !(await hasAnyCredentials());
  if (useLocal) console.log('No AWS credentials found: the extension uses this local endpoint.');
  else {
    console.log('AWS credentials found: the extension connects to AWS (lambdaLayers.connection "auto").');
    console.log(
      `To try the tutorial on the local endpoint with ${DEMO_FUNCTION}, set "lambdaLayers.connection": "local" and`,
    );
    console.log(
      `"lambdaLayers.endpoint": "${endpoint.url}" (plain "Use Local Endpoint" starts the extension's own, empty one),`,
    );
    console.log(
      `and give VS Code this endpoint's keys (or a "lambdaLayers.profile" holding them), which change with each run:`,
    );
    console.log(
      `  export AWS_ACCESS_KEY_ID=${endpoint.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${endpoint.credentials.secretAccessKey}`,
    );
  }
  const pip = await demoPipEnvironment(path.join(CACHE_DIR, 'demo-pip'));
  if (pip.notice) console.log(pip.notice);

  const settings = connectionSettings(useLocal, endpoint.url);
  // The extension signs for an external local endpoint with the AWS_* keys of its environment.
  const env = useLocal
    ? {
        ...pip.env,
        AWS_ACCESS_KEY_ID: endpoint.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: endpoint.credentials.secretAccessKey,
      }
    : pip.env;
  const stops: (() => Promise<void> | void)[] = [() => endpoint.close()];
  try {
    if (onPath('code') && !process.env.LAMBDA_LAYERS_DEMO_CODE_SERVER) openInDesktop(workspace, settings, env);
    else stops.unshift((await openInCodeServer(workspace, settings, env)).stop);
  } catch (e) {
    await endpoint.close();
    throw e;
  }
  console.log('The local endpoint serves the window until you press Ctrl+C, which stops the demo.');
  await serveUntilInterrupted(stops);
}

main().catch((err) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
