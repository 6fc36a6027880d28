/**
 * Runs the installer under a small Python guard so it ends with the build, even when the build is killed with
 * SIGKILL and cannot clean up: the guard starts the installer in its own process group (the group runProcess
 * creates), watches the build's process, and kills the whole group once the build is gone. It watches the
 * build's pid rather than its own parent, since a wrapper (pyenv's shim) may sit in between and outlive the
 * build. The Python that runs pip is already there, so the guard costs no new dependency. `-I` keeps the
 * user's PYTHON* variables and site packages out of the guard itself; the installer gets the environment as is.
 */
const GUARD = [
  'import os, signal, subprocess, sys, threading, time',
  'build = int(sys.argv[1])',
  'child = subprocess.Popen(sys.argv[2:])',
  'def gone(pid):',
  '    try:',
  '        os.kill(pid, 0)',
  '        return False',
  '    except ProcessLookupError:',
  '        return True',
  '    except PermissionError:',
  '        return False',
  'def watch():',
  '    while child.poll() is None:',
  '        if gone(build):',
  '            os.killpg(0, signal.SIGKILL)',
  '        time.sleep(0.5)',
  'threading.Thread(target=watch, daemon=True).start()',
  'code = child.wait()',
  'sys.exit(code if code >= 0 else 128 - code)',
].join('\n');

/**
 * The command line that runs `command args` under the guard. Windows has no process groups to sweep this
 * way (the build's cancel uses taskkill /T), so there the installer runs as is.
 */
export function guardedCommand(
  python: string,
  command: string,
  args: string[],
  platform: NodeJS.Platform,
  buildPid = process.pid,
): [string, string[]] {
  if (platform === 'win32') return [command, args];
  return [python, ['-I', '-c', GUARD, String(buildPid), command, ...args]];
}
