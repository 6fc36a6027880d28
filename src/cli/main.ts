/**
 * Headless entry point: `node dist/cli.js <command> [args]`. Each command lives in its own file and exports
 * `run(args): Promise<number>` (the exit code) and its `USAGE` (printed for --help); add a line to the table to add a command.
 */
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
    process.stderr.write(`usage: cli <${Object.keys(commands).join('|')}> [options]\n`);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
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
