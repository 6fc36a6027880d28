import type { S3Client } from '@aws-sdk/client-s3';
import * as l10n from '@vscode/l10n';
import { AwsClientFactory, type ClientFactoryOptions } from '../aws/clientFactory';
import { resolveConnection, type ConnectionSettings } from '../aws/connection';
import { unknownRegionProblem } from '../aws/regions';
import { SdkLambdaGateway } from '../aws/lambdaGateway';
import type { LambdaGateway } from '../aws/types';
import { toUserError } from '../aws/errors';
import { CancelledError, UserError } from '../util/errors';
import { openFleet, type Fleet } from '../fleet/scope';

/** What the engines need from one connection: the Lambda gateway and, for big layers, S3. */
export interface OpsSession {
  readonly settings: ConnectionSettings;
  readonly gateway: LambdaGateway;
  readonly s3: S3Client;
  dispose(): void;
}

export function openSession(settings: ConnectionSettings, options?: ClientFactoryOptions): OpsSession {
  const factory = new AwsClientFactory(settings, options);
  return {
    settings,
    gateway: new SdkLambdaGateway(factory.lambda, settings.region, settings.endpoint),
    get s3() {
      return factory.s3;
    },
    dispose: () => factory.dispose(),
  };
}

/**
 * Connection settings from command-line flags, falling back to the profile and environment like the
 * AWS CLI. An endpoint without a profile is a local endpoint (sandbox, moto), signed with AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY when set (a standalone sandbox prints them), else placeholder keys.
 */
async function settingsFromFlags(
  flags: { endpoint?: string; region?: string; profile?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConnectionSettings> {
  const resolved = await resolveConnection(flags, env);
  const endpoint = resolved.endpoint;
  if (flags.endpoint && !isHttpUrl(flags.endpoint)) {
    throw new UserError(
      l10n.t(
        '--endpoint {0} is not a URL. Give the whole address with http:// or https://, for example http://127.0.0.1:9001.',
        flags.endpoint,
      ),
    );
  }
  const local = Boolean(flags.endpoint) && !resolved.profile;
  const region = resolved.region ?? (local ? 'us-east-1' : undefined);
  if (!region) throw new UserError(l10n.t('No AWS region is set. Pass --region or set AWS_REGION.'));
  // Checked before any call: a mistyped region must not silently act on another one.
  const problem = unknownRegionProblem(region, resolved.regionSource === 'setting' ? '--region' : undefined);
  if (problem) throw new UserError(problem);
  return {
    kind: local ? 'local' : 'aws',
    region,
    ...(resolved.profile ? { profile: resolved.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/** `http://host:port` or `https://…`; `127.0.0.1:9001` or `localhost:9001` (a "scheme" of localhost:) are not. */
function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The flags every ops subcommand takes, in `util.parseArgs` form. */
export const CONNECTION_FLAGS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
} as const;

/**
 * Runs one headless operation: opens a session from the flags, turns Ctrl-C into cancellation and any
 * failure into a message on stderr. Returns the process exit code (0 ok, 1 failed, 130 cancelled).
 * `cancelledMessage` says what a cancellation leaves behind, when the command knows.
 */
export function runHeadless(
  flags: { endpoint?: string; region?: string; profile?: string },
  work: (session: OpsSession, signal: AbortSignal) => Promise<void>,
  cancelledMessage = l10n.t('Cancelled.'),
): Promise<number> {
  return runWith(
    async () => openSession(await settingsFromFlags(flags)),
    (s) => s.settings,
    work,
    cancelledMessage,
  );
}

/**
 * `runHeadless` over several regions (`--regions a,b,c`; none: the one region `--region`, the profile or the
 * environment name), and with `profiles` (`--profiles p1,p2`) over several accounts: one session per profile ×
 * region from the same flags, so `--endpoint` serves every region (a local endpoint keeps them apart by the
 * signing region). Targets are then named `profile@region`. A profile whose credentials fail (expired, invalid)
 * fails only its own targets, when they are used. `work` returns the exit code, so a run where some target
 * failed can exit 1 after printing every result.
 */
export function runHeadlessFleet(
  flags: { endpoint?: string; profile?: string; profiles?: string[]; region?: string; regions: string[] },
  work: (fleet: Fleet, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const open = async () => {
    for (const region of flags.regions) {
      const problem = unknownRegionProblem(region, '--regions');
      if (problem) throw new UserError(problem);
    }
    const profiles: Array<string | undefined> = flags.profiles?.length ? flags.profiles : [flags.profile];
    // No --regions: the one region the flags, the profile or the environment name.
    const settings = (
      await Promise.all(
        profiles.map((profile) => {
          const own = { ...flags, ...(profile ? { profile } : {}) };
          return flags.regions.length > 0
            ? Promise.all(flags.regions.map((region) => settingsFromFlags({ ...own, region })))
            : Promise.all([settingsFromFlags(own)]);
        }),
      )
    ).flat();
    const several = profiles.length > 1;
    return openFleet(
      settings.map(({ region, profile }) => (several && profile ? { region, profile } : { region })),
      (pair) => settings.find((s) => s.region === pair.region && (!pair.profile || s.profile === pair.profile))!,
    );
  };
  return runWith(open, (f) => f.targets[0]?.session.settings, work, l10n.t('Cancelled.'));
}

/**
 * The first line of what the SDK said, for stderr: some service messages go on for lines (an
 * InvalidSignatureException carries the whole canonical request), which buries the message above it.
 */
export function detailLine(detail: string): string {
  return detail.split('\n')[0].trim();
}

async function runWith<R extends { dispose(): void }>(
  open: () => Promise<R>,
  settingsOf: (resource: R) => ConnectionSettings | undefined,
  work: (resource: R, signal: AbortSignal) => Promise<number | void>,
  cancelledMessage: string,
): Promise<number> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let resource: R | undefined;
  try {
    resource = await open();
    return (await work(resource, abort.signal)) ?? 0;
  } catch (e) {
    const shown = toUserError(e, { connection: resource && settingsOf(resource), headless: true });
    if (shown instanceof CancelledError) {
      process.stderr.write(`${cancelledMessage}\n`);
      return 130;
    }
    process.stderr.write(`${l10n.t('error: {0}', shown.message)}\n`);
    if (shown.detail) process.stderr.write(`  (${detailLine(shown.detail)})\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    resource?.dispose();
  }
}
