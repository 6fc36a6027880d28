import * as l10n from '@vscode/l10n';
import { publishLayer, type PublishProgress } from '../ops/publish';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { formatBytes } from '../util/format';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: publish ZIP --name NAME [--description D] [--license L] [--runtime R]... [--architecture A]...\n' +
  '               [--s3-bucket BUCKET] [--force] [--endpoint URL] [--region R] [--profile P]';

/** `publish ZIP --name N ...`: prints the LayerVersionArn (the existing one when nothing changed). */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      ...CONNECTION_FLAGS,
      name: { type: 'string' },
      description: { type: 'string' },
      license: { type: 'string' },
      runtime: { type: 'string', multiple: true },
      architecture: { type: 'string', multiple: true },
      's3-bucket': { type: 'string' },
      force: { type: 'boolean' },
    },
    USAGE,
  );
  if (!args) return 2;
  const { values, positionals } = args;
  if (positionals.length !== 1 || !values.name) return usageError(USAGE);
  return runHeadless(values, async ({ gateway, s3 }, signal) => {
    const result = await publishLayer(
      gateway,
      {
        zipPath: positionals[0],
        name: values.name!,
        description: values.description,
        licenseInfo: values.license,
        compatibleRuntimes: values.runtime,
        compatibleArchitectures: values.architecture,
        s3Bucket: values['s3-bucket'],
        force: values.force,
      },
      { s3, signal, log: consoleLog, onProgress: progressPrinter() },
    );
    if (result.kind === 'unchanged') {
      process.stderr.write(`${l10n.t('Version {0} already holds this zip and metadata; nothing published (use --force to publish anyway).', result.existing.Version ?? '?')}\n`);
      process.stdout.write(`${result.existing.LayerVersionArn}\n`);
    } else {
      process.stdout.write(`${result.layerVersion.LayerVersionArn}\n`);
    }
  });
}

/** Upload progress on stderr, at most one line per 10 %. */
function progressPrinter(): (p: PublishProgress) => void {
  let lastTenth = -1;
  return (p) => {
    if (p.phase !== 'uploading' || p.totalBytes === 0) return;
    const tenth = Math.floor((p.loadedBytes / p.totalBytes) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    process.stderr.write(`${l10n.t('Uploading to S3: {0} of {1}', formatBytes(p.loadedBytes), formatBytes(p.totalBytes))}\n`);
  };
}
