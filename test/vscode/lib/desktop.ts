// The Mocha suite in desktop VS Code through @vscode/test-electron, for machines that have one or can download
// it: VSCODE_EXECUTABLE_PATH when set, else VS Code DESKTOP_VERSION is downloaded into .vscode-test/. This
// project's CI machine cannot download VS Code and runs the same suite bundle in code-server instead (suite.ts).
import { runTests } from '@vscode/test-electron';
import type { Profile } from './profile';
import { RESULT_MARKER, type SuiteResult } from './suite';

/** The VS Code our engines.vscode (^1.100.0) and the code-server tier are pinned to. */
export const DESKTOP_VERSION = '1.100.3';

export interface DesktopRun {
  workspace: string;
  extensionPath: string;
  suiteEntry: string;
  profile: Profile;
  locale: string;
  env: Record<string, string | undefined>;
}

export async function runSuiteInDesktop(run: DesktopRun): Promise<SuiteResult> {
  // runTests forwards VS Code's stdout to ours; the suite prints its counts on a marker line there.
  let output = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    output += chunk.toString();
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  let error: string | undefined;
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      version: DESKTOP_VERSION,
      extensionDevelopmentPath: run.extensionPath,
      extensionTestsPath: run.suiteEntry,
      extensionTestsEnv: run.env,
      launchArgs: [
        run.workspace,
        `--user-data-dir=${run.profile.userDataDir}`,
        `--extensions-dir=${run.profile.extensionsDir}`,
        ...(run.locale === 'en' ? [] : [`--locale=${run.locale}`]),
      ],
    });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    process.stdout.write = write;
  }
  const line = output.split('\n').find((l) => l.includes(RESULT_MARKER));
  const counts = line ? JSON.parse(line.slice(line.indexOf(RESULT_MARKER) + RESULT_MARKER.length)) : undefined;
  const result: SuiteResult = {
    passed: counts?.passed ?? 0,
    failed: counts?.failed ?? 0,
    skipped: counts?.pending ?? 0,
  };
  if (!counts) result.error = `desktop VS Code did not run the suite: ${error ?? 'no result line'}`;
  else if (error && result.failed === 0) result.error = error;
  return result;
}
