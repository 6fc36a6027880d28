// npm start: builds the extension and opens it on a demo workspace (a Python function that needs flask).
// With a desktop VS Code (`code` on PATH) it opens an Extension Development Host window; otherwise it starts
// code-server on 127.0.0.1 with this repo loaded as a development extension and prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, startCodeServer } from '../test/vscode/lib/codeServer';
import { CACHE_DIR, REPO_ROOT } from '../test/vscode/lib/paths';
import { remoteUri, workbenchUrl } from '../test/vscode/lib/workbench';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
const WORKSPACE = path.join(CACHE_DIR, 'demo-workspace');
const PROFILE = path.join(CACHE_DIR, 'demo-profile');
const PREFERRED_PORT = Number(process.env.LAMBDA_LAYERS_DEMO_PORT ?? 8080);

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

/** First run only: open the workspace's README instead of VS Code's walkthrough; later the user's settings win. */
function prepareProfileSettings(userDataDir: string): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ 'workbench.startupEditor': 'readme' }, null, 2));
}

async function openInCodeServer(workspace: string): Promise<void> {
  const userDataDir = path.join(PROFILE, 'user-data');
  prepareProfileSettings(userDataDir);
  const port = (await portIsFree(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
  const server = await startCodeServer({
    userDataDir,
    extensionsDir: path.join(PROFILE, 'extensions'),
    workspace,
    port,
    logFile: path.join(PROFILE, 'code-server.log'),
  });
  // code-server has no --extensionDevelopmentPath flag; the workbench takes it from the URL's payload.
  const url = workbenchUrl(server.url, workspace, [['extensionDevelopmentPath', remoteUri(server.url, REPO_ROOT)]]);
  console.log(`\nLambda Layers demo is running in code-server (log: ${path.join(PROFILE, 'code-server.log')}).`);
  console.log(`Open this URL in a browser on this machine (or forward port ${port}):\n\n  ${url}\n`);
  console.log('After `npm run compile`, run "Developer: Reload Window" to pick up changes. Ctrl+C stops the demo.');
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => undefined); // serve until interrupted
}

async function main(): Promise<void> {
  build();
  const workspace = prepareWorkspace();
  console.log(`demo workspace: ${workspace}`);
  if (onPath('code') && !process.env.LAMBDA_LAYERS_DEMO_CODE_SERVER) {
    const child = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, workspace], { stdio: 'inherit', detached: true });
    child.unref();
    console.log('Opened an Extension Development Host window in VS Code.');
    return;
  }
  await openInCodeServer(workspace);
}

main().catch((err) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
