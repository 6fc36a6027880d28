/**
 * Headless entry point: `node dist/cli.js <command> [args]`. Each command lives in its own file and exports
 * `run(args): Promise<number>` (the exit code) and its `USAGE` (printed for --help); add a line to the table to add a command.
 */
import * as l10n from '@vscode/l10n';

interface Command {
  USAGE: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  build: () => import('./build'),
  publish: () => import('./publish'),
  attach: () => import('./attach'),
  detach: () => import('./detach'),
  invoke: () => import('./invoke'),
  'create-function': () => import('./createFunction'),
  deploy: () => import('./deploy'),
  analyze: () => import('./analyze'),
  diff: () => import('./diff'),
  prune: () => import('./prune'),
  share: () => import('./share'),
  unshare: () => import('./unshare'),
  policy: () => import('./policy'),
  rollout: () => import('./rollout'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    const usage = `usage: cli <${Object.keys(commands).join('|')}> [options]\n`;
    if (name === '--help' || name === '-h') {
      process.stdout.write(usage);
      return 0;
    }
    // No command at all is bad usage too: a script whose command variable came out empty must not pass.
    process.stderr.write(name ? `${l10n.t('error: unknown command "{0}".', name)}\n${usage}` : usage);
    return 2;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.USAGE}\n`);
    return 0;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
