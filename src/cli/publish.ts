import * as l10n from '@vscode/l10n';
import { publishLayer, type PublishProgress, type PublishRequest } from '../ops/publish';
import { CONNECTION_FLAGS, runHeadless, runHeadlessFleet } from '../ops/session';
import { alignVersions, planAlignment } from '../fleet/align';
import { publishToFleet, type RegionPublishResult } from '../fleet/publish';
import { zipCacheDir } from '../stack/cacheDir';
import { checkStackSize, publishChange, stackCheckWarnings } from '../stack/stackGuard';
import { ZipCache } from '../stack/zipCache';
import { formatBytes } from '../util/format';
import { consoleLog } from '../util/log';
import { parseCommandLine, profilesFlag, regionsFlag, reportTargetFailure, usageError } from './args';

export const USAGE =
  'usage: publish ZIP --name NAME [--description D] [--license L] [--runtime R]... [--architecture A]...\n' +
  '               [--s3-bucket BUCKET] [--force] [--function F]... [--endpoint URL] [--region R | --regions R1,R2,... [--align [--dry-run]]]\n' +
  '               [--profile P | --profiles P1,P2,... (with --regions)]\n' +
  'With --function: before publishing, warns when F with this zip in place of its version of the layer would be\n' +
  "near or past Lambda's unzipped size limit (262,144,000 bytes for code and layers).\n" +
  'With --regions: one line per region, "<region> <LayerVersionArn> published|unchanged" (or "<region> - failed"),\n' +
  'exit 1 if any region failed; running it again publishes only where it failed. With --profiles, every region in\n' +
  'every profile\'s account, each line starting "<profile>@<region>".\n' +
  '--align: every region ends with the zip at the same version number (regions behind publish copies of it first);\n' +
  'with --dry-run it prints "<region> <newest> -> <version> (<n> to publish)" and publishes nothing.';

/**
 * `publish ZIP --name N ...`: prints the LayerVersionArn (the existing one when nothing changed).
 * With `--regions`, publishes to each region (fleet/publish.ts) and prints a line per region.
 */
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
      regions: { type: 'string' },
      profiles: { type: 'string' },
      function: { type: 'string', multiple: true },
      align: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
    USAGE,
  );
  if (!args) return 2;
  const { values, positionals } = args;
  const functions = values.function ?? [];
  if (
    positionals.length !== 1 ||
    !values.name ||
    (values.regions !== undefined && (values.region !== undefined || functions.length > 0))
  )
    return usageError(USAGE);
  if ((values.align && values.regions === undefined) || (values['dry-run'] && !values.align)) return usageError(USAGE);
  const profiles = profilesFlag(values);
  if (profiles === null || (profiles && values.regions === undefined)) return usageError(USAGE);
  const request: PublishRequest = {
    zipPath: positionals[0],
    name: values.name,
    description: values.description,
    licenseInfo: values.license,
    compatibleRuntimes: values.runtime,
    compatibleArchitectures: values.architecture,
    s3Bucket: values['s3-bucket'],
    force: values.force,
  };
  if (values.regions !== undefined) {
    const regions = regionsFlag(values.regions, '').filter(Boolean);
    if (regions.length === 0) return usageError(USAGE);
    return runHeadlessFleet({ ...values, regions, profiles }, async (fleet, signal) => {
      const onResult = (r: RegionPublishResult) => {
        if ('layerVersion' in r) process.stdout.write(`${r.target} ${r.layerVersion.LayerVersionArn} ${r.status}\n`);
        else reportTargetFailure(fleet, r, r.status);
      };
      let results: RegionPublishResult[];
      if (values.align) {
        const plan = await planAlignment(fleet, request, { signal });
        if (values['dry-run']) {
          for (const s of plan.steps) {
            if (s.status === 'ok')
              process.stdout.write(`${s.target} ${s.latest} -> ${plan.version} (${s.publishes} to publish)\n`);
            else reportTargetFailure(fleet, s, 'failed');
          }
          return plan.steps.some((s) => s.status === 'error') ? 1 : 0;
        }
        results = await alignVersions(fleet, request, plan, { signal, log: consoleLog, onResult });
      } else {
        results = await publishToFleet(fleet, request, { signal, log: consoleLog, onResult });
      }
      if (results.some((r) => r.status === 'cancelled')) return 130;
      return results.some((r) => r.status === 'failed') ? 1 : 0;
    });
  }
  return runHeadless(values, async ({ gateway, s3 }, signal) => {
    for (const fn of functions) {
      const check = await checkStackSize(gateway, publishChange(fn, request.name, request.zipPath), {
        cache: new ZipCache(zipCacheDir()),
        signal,
        log: consoleLog,
      });
      for (const w of stackCheckWarnings(check)) consoleLog.warn(l10n.t('{0}: {1}', fn, w));
    }
    const result = await publishLayer(gateway, request, { s3, signal, log: consoleLog, onProgress: progressPrinter() });
    if (result.kind === 'unchanged') {
      process.stderr.write(
        `${l10n.t('Version {0} already holds this zip and metadata; nothing published (use --force to publish anyway).', result.existing.Version ?? '?')}\n`,
      );
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
    process.stderr.write(
      `${l10n.t('Uploading to S3: {0} of {1}', formatBytes(p.loadedBytes), formatBytes(p.totalBytes))}\n`,
    );
  };
}
