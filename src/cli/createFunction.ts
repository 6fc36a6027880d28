import * as l10n from '@vscode/l10n';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS, createFunctionFromFolder } from '../deploy/createFunction';
import { LOCAL_ROLE_ARN } from '../invoke/roles';
import { resolveTarget } from '../layer/runtimes';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { UserError } from '../util/errors';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: create-function NAME --from DIR --runtime R --handler HANDLER [--arch x86_64|arm64] [--layers ARN,...]\n' +
  '                       [--role ARN] [--memory MB] [--timeout S] [--endpoint URL] [--region R] [--profile P]\n' +
  '  HANDLER is module.function for Python (pkg.app.handler), dir/file.export for Node.js (src/app.handler).\n' +
  '  The code is DIR zipped without VCS folders, virtualenvs, __pycache__, *.pyc, .vscode and .lambda-layers;\n' +
  '  node_modules goes in for a Node.js runtime only.\n' +
  '  --role is required on AWS; a local endpoint runs functions without IAM.';

/** `create-function NAME --from DIR ...`: creates the function, waits until it is Active, prints its ARN. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      ...CONNECTION_FLAGS,
      from: { type: 'string' },
      runtime: { type: 'string' },
      handler: { type: 'string' },
      arch: { type: 'string' },
      layers: { type: 'string' },
      role: { type: 'string' },
      memory: { type: 'string' },
      timeout: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 2;
  const { values, positionals } = args;
  if (positionals.length !== 1 || !values.from || !values.runtime || !values.handler) return usageError(USAGE);
  return runHeadless(values, async ({ gateway, settings }, signal) => {
    const target = resolveTarget(values.runtime!, values.arch ?? 'x86_64');
    const role = values.role ?? (settings.kind === 'local' ? LOCAL_ROLE_ARN : undefined);
    if (!role) throw new UserError(l10n.t('Pass --role with the ARN of an execution role Lambda can assume.'));
    const { configuration } = await createFunctionFromFolder(
      gateway,
      {
        name: positionals[0],
        folder: values.from!,
        runtime: target.runtime,
        architecture: target.architecture,
        handler: values.handler!,
        role,
        layers: values.layers
          ? values.layers
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean)
          : undefined,
        memorySize: integer(values.memory, '--memory') ?? DEFAULT_MEMORY_MB,
        timeout: integer(values.timeout, '--timeout') ?? DEFAULT_TIMEOUT_SECONDS,
      },
      { signal, log: consoleLog },
    );
    process.stderr.write(
      `${l10n.t('Created {0} ({1}, handler {2}).', positionals[0], target.runtime, values.handler!)}\n`,
    );
    process.stdout.write(`${configuration.FunctionArn}\n`);
  });
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(l10n.t('{0} must be a whole number, not "{1}".', flag, value));
  return Number(value);
}
