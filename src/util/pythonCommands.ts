/** A way to start Python: the program, then the arguments that come before the interpreter's own. */
export type PythonCommand = readonly string[];

/**
 * The commands that may start Python 3 on a platform, most specific first; with `version` ("3.12") that
 * version's own command leads. Windows: the `py` launcher (python.org installs, `py -3.12` picks a version),
 * then `python.exe` / `python3.exe` (the Microsoft Store's, conda's, a PATH install). Elsewhere `python3.X`,
 * then `python3` (macOS has no `python`, and on Linux it may be Python 2).
 */
export function pythonCommands(platform: NodeJS.Platform, version?: string): PythonCommand[] {
  if (platform === 'win32') return [['py', `-${version ?? '3'}`], ['python.exe'], ['python3.exe']];
  return [...(version ? [[`python${version}`]] : []), ['python3']];
}

/** How a command reads in a message: `py -3.12`. */
export function showCommand(command: PythonCommand): string {
  return command.join(' ');
}
