// The local Lambda-compatible endpoint (src/sandbox/server.ts) that suites and UI flows point the extension at.
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SANDBOX_MODULE } from './paths';

export interface SandboxOptions {
  dataDir: string;
  port?: number;
  updateDelayMs?: number;
  /** The secret requests must be signed with (the runner passes TEST_CREDENTIALS's). */
  secretAccessKey?: string;
}

export interface Sandbox {
  url: string;
  port: number;
  close(): Promise<void> | void;
}

interface SandboxModule {
  startSandbox(options: SandboxOptions): Promise<Sandbox>;
}

/** Starts the sandbox, or returns undefined while src/sandbox/server.ts does not exist yet. */
export async function startSandboxIfPresent(options: SandboxOptions): Promise<Sandbox | undefined> {
  if (!fs.existsSync(SANDBOX_MODULE)) return undefined;
  const mod = (await import(pathToFileURL(SANDBOX_MODULE).href)) as SandboxModule & { default?: SandboxModule };
  const startSandbox = mod.startSandbox ?? mod.default?.startSandbox;
  if (typeof startSandbox !== 'function') throw new Error(`${SANDBOX_MODULE} does not export startSandbox()`);
  return startSandbox(options);
}
