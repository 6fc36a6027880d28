// Locations shared by the runner, the UI flows and the demo.
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Big downloads (code-server) live outside the repo so `git clean` and copies of the checkout stay cheap. */
export const CACHE_DIR = process.env.LAMBDA_LAYERS_CACHE ?? path.join(os.homedir(), '.cache', 'lambda-layers');

export const CODE_SERVER_BIN = path.join(CACHE_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
export const SETUP_SCRIPT = path.join(REPO_ROOT, 'scripts', 'setup-code-server.sh');

export const OUTPUT_DIR = path.join(REPO_ROOT, '.test-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

export const SUITE_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'suite', 'index.js');
export const UI_FLOW_DIR = path.join(REPO_ROOT, 'test', 'vscode', 'ui');
export const DEFAULT_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
export const ZH_CN_PACK_DIR = path.join(REPO_ROOT, 'test', 'vscode', 'zh-cn-pack');
export const SANDBOX_MODULE = path.join(REPO_ROOT, 'src', 'sandbox', 'server.ts');
