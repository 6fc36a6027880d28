import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import { UserError, errorMessage, isCancellation, throwIfAborted } from '../util/errors';

/** Who a layer version is shared with. */
export type ShareTarget =
  { kind: 'account'; accountId: string } | { kind: 'organization'; organizationId: string } | { kind: 'public' };

/** One statement of a layer version's policy; `other` is a statement we do not recognise (shown, never changed). */
export type Grant = (ShareTarget | { kind: 'other'; principal: string }) & { statementId: string };

export interface VersionPolicy {
  grants: Grant[];
  /** The policy document as Lambda returned it; undefined when the version has no policy. */
  policy?: string;
  revisionId?: string;
}

export interface LayerVersionId {
  layerName: string;
  version: number;
}

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROOT_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):root$/;

/** Checks an account or organization id as typed; throws a UserError that shows the expected form. */
export function checkShareTarget(target: ShareTarget): ShareTarget {
  if (target.kind === 'account' && !ACCOUNT_ID.test(target.accountId)) {
    throw new UserError(
      l10n.t('"{0}" is not an AWS account id: it has exactly 12 digits, for example 123456789012.', target.accountId),
    );
  }
  if (target.kind === 'organization' && !ORGANIZATION_ID.test(target.organizationId)) {
    throw new UserError(
      l10n.t(
        '"{0}" is not an organization id: it looks like o-a1b2c3d4e5 ("o-" then 10 to 32 lowercase letters or digits).',
        target.organizationId,
      ),
    );
  }
  return target;
}

/** The statement id we use for a grant unless the user names one: stable, so granting twice is noticed. */
function defaultStatementId(target: ShareTarget): string {
  switch (target.kind) {
    case 'account':
      return `account-${target.accountId}`;
    case 'organization':
      return `org-${target.organizationId}`;
    case 'public':
      return 'public';
  }
}

/**
 * The grants in a layer version policy. Lambda writes an account as `{"AWS": "arn:aws:iam::ID:root"}`, everyone
 * as `"*"` and an organization as `"*"` with the condition `aws:PrincipalOrgID` (moto keeps `OrganizationId`).
 */
export function parsePolicy(text: string): Grant[] {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(text) as { Statement?: unknown };
  } catch {
    throw new UserError(l10n.t('Lambda returned a layer policy that is not JSON: {0}', text.slice(0, 200)));
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.map((s) => grantOf(s as Statement));
}

interface Statement {
  Sid?: string;
  Principal?: string | { AWS?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
  OrganizationId?: string;
}

function grantOf(s: Statement): Grant {
  const statementId = s.Sid ?? '';
  const raw = typeof s.Principal === 'string' ? s.Principal : [s.Principal?.AWS ?? ''].flat()[0];
  const org = s.OrganizationId ?? conditionValue(s.Condition, 'aws:principalorgid');
  if (raw === '*')
    return org ? { kind: 'organization', organizationId: org, statementId } : { kind: 'public', statementId };
  const account = ACCOUNT_ID.test(raw) ? raw : ROOT_ARN.exec(raw)?.[1];
  return account
    ? { kind: 'account', accountId: account, statementId }
    : { kind: 'other', principal: raw, statementId };
}

function conditionValue(condition: Statement['Condition'], key: string): string | undefined {
  for (const operator of Object.values(condition ?? {})) {
    for (const [k, v] of Object.entries(operator ?? {})) if (k.toLowerCase() === key) return [v].flat()[0];
  }
  return undefined;
}

function sameTarget(grant: Grant, target: ShareTarget): boolean {
  if (grant.kind !== target.kind) return false;
  if (grant.kind === 'account') return grant.accountId === (target as { accountId: string }).accountId;
  if (grant.kind === 'organization')
    return grant.organizationId === (target as { organizationId: string }).organizationId;
  return true;
}

/** How the explorer and the CLI name a grant's audience. */
export function targetText(grant: Grant | ShareTarget): string {
  switch (grant.kind) {
    case 'account':
      return l10n.t('account {0}', grant.accountId);
    case 'organization':
      return l10n.t('organization {0}', grant.organizationId);
    case 'public':
      return l10n.t('everyone (public)');
    case 'other':
      return grant.principal;
  }
}

const noSuchVersion = (id: LayerVersionId) =>
  new UserError(l10n.t('Version {0} of layer {1} does not exist (any more).', id.version, id.layerName));

/** The version's grants; a version without a policy has none. Throws a UserError when the version does not exist. */
export async function readPolicy(gateway: LambdaGateway, id: LayerVersionId): Promise<VersionPolicy> {
  try {
    const { policy, revisionId } = await gateway.getLayerVersionPolicy(id.layerName, id.version);
    return { grants: parsePolicy(policy), policy, ...(revisionId && { revisionId }) };
  } catch (e) {
    if (classifyAwsError(e) !== 'notFound') throw e;
  }
  // Lambda answers 404 both for "no policy" and "no such version": ask which.
  try {
    await gateway.getLayerVersion(id.layerName, id.version);
  } catch (e) {
    if (classifyAwsError(e) === 'notFound') throw noSuchVersion(id);
    throw e;
  }
  return { grants: [] };
}

export type GrantResult = { status: 'granted'; statementId: string } | { status: 'already'; statementId: string };

/**
 * Adds a grant guarded by the policy's RevisionId, so a concurrent change is never overwritten: on 412 the
 * policy is read again and the grant retried once, then the user is told. Granting what is already granted
 * (same audience) changes nothing.
 */
export async function grantAccess(
  gateway: LambdaGateway,
  id: LayerVersionId,
  target: ShareTarget,
  statementId = defaultStatementId(target),
): Promise<GrantResult> {
  checkShareTarget(target);
  for (let attempt = 1; ; attempt++) {
    const current = await readPolicy(gateway, id);
    const existing = current.grants.find((g) => sameTarget(g, target));
    if (existing) return { status: 'already', statementId: existing.statementId };
    if (current.grants.some((g) => g.statementId === statementId)) throw duplicateStatement(statementId);
    try {
      await gateway.addLayerVersionPermission({
        ...id,
        statementId,
        principal: target.kind === 'account' ? target.accountId : '*',
        ...(target.kind === 'organization' && { organizationId: target.organizationId }),
        ...(current.revisionId && { revisionId: current.revisionId }),
      });
      return { status: 'granted', statementId };
    } catch (e) {
      if (classifyAwsError(e) === 'preconditionFailed' && attempt < 2) continue;
      throw permissionError(e, id, statementId);
    }
  }
}

/** Removes one statement, guarded by RevisionId like `grantAccess`. */
export async function revokeAccess(gateway: LambdaGateway, id: LayerVersionId, statementId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await readPolicy(gateway, id);
    if (!current.grants.some((g) => g.statementId === statementId)) {
      // The ids that do exist, so the next try needs no other command (the explorer or `policy`).
      const ids = current.grants.map((g) => g.statementId);
      throw new UserError(
        ids.length > 0
          ? l10n.t(
              'Version {0} of layer {1} has no statement "{2}". Its statements are: {3}.',
              id.version,
              id.layerName,
              statementId,
              ids.join(', '),
            )
          : l10n.t(
              'Version {0} of layer {1} has no statement "{2}": it is not shared with anyone.',
              id.version,
              id.layerName,
              statementId,
            ),
      );
    }
    try {
      await gateway.removeLayerVersionPermission(id.layerName, id.version, statementId, current.revisionId);
      return;
    } catch (e) {
      if (classifyAwsError(e) === 'preconditionFailed' && attempt < 2) continue;
      throw permissionError(e, id, statementId);
    }
  }
}

const duplicateStatement = (statementId: string) =>
  new UserError(
    l10n.t(
      'The policy already has a statement with id "{0}". Choose another statement id, or revoke that statement first.',
      statementId,
    ),
  );

/** Lambda's answers to a permission change, as messages that say what to do. */
function permissionError(e: unknown, id: LayerVersionId, statementId: string): unknown {
  if ((e as Error)?.name === 'PolicyLengthExceededException') {
    return new UserError(
      l10n.t(
        'The policy of version {0} of {1} is too large for another statement. Revoke statements that are no longer needed, or share with an organization instead of single accounts.',
        id.version,
        id.layerName,
      ),
      errorMessage(e),
    );
  }
  switch (classifyAwsError(e)) {
    case 'conflict':
      return duplicateStatement(statementId);
    case 'notFound':
      return noSuchVersion(id);
    case 'preconditionFailed':
      return new UserError(
        l10n.t(
          'The policy of version {0} of {1} keeps changing while we update it (someone else is changing it). Refresh and try again.',
          id.version,
          id.layerName,
        ),
        errorMessage(e),
      );
    case 'accessDenied':
    case 'cancelled':
    case 'credentials':
    case 'expired':
    case 'invalidRequest':
    case 'network':
    case 'service':
    case 'throttled':
    case 'tooLarge':
    case 'unknown':
    case 'unsupported':
      return e;
  }
}

/** What sharing a whole layer would do, per region and version. */
export interface ShareAllPlan {
  layerName: string;
  target: ShareTarget;
  items: { region: string; version: number; arn: string; already: boolean }[];
}

export async function planShareAll(
  gateways: readonly LambdaGateway[],
  layerName: string,
  target: ShareTarget,
  signal?: AbortSignal,
): Promise<ShareAllPlan> {
  checkShareTarget(target);
  const items: ShareAllPlan['items'] = [];
  for (const gateway of gateways) {
    for await (const v of gateway.listLayerVersions(layerName, { signal })) {
      throwIfAborted(signal);
      const { grants } = await readPolicy(gateway, { layerName, version: v.Version ?? 0 });
      items.push({
        region: gateway.region,
        version: v.Version ?? 0,
        arn: v.LayerVersionArn ?? '',
        already: grants.some((g) => sameTarget(g, target)),
      });
    }
  }
  return { layerName, target, items };
}

export interface ShareOutcome {
  region: string;
  version: number;
  arn: string;
  status: 'granted' | 'already' | 'failed' | 'skipped';
  reason?: string;
}

/** Grants every version of the plan; one failure never hides the others' results. */
export async function applyShareAll(
  gateways: readonly LambdaGateway[],
  plan: ShareAllPlan,
  options: { signal?: AbortSignal; onOutcome?: (o: ShareOutcome, done: number, total: number) => void } = {},
): Promise<ShareOutcome[]> {
  const outcomes: ShareOutcome[] = [];
  for (const item of plan.items) {
    const gateway = gateways.find((g) => g.region === item.region);
    const base = { region: item.region, version: item.version, arn: item.arn };
    let outcome: ShareOutcome;
    if (options.signal?.aborted || !gateway) {
      outcome = {
        ...base,
        status: 'skipped',
        reason: gateway ? l10n.t('Cancelled.') : l10n.t('No connection to region {0}.', item.region),
      };
    } else {
      try {
        outcome = {
          ...base,
          status: (await grantAccess(gateway, { layerName: plan.layerName, version: item.version }, plan.target))
            .status,
        };
      } catch (e) {
        outcome = isCancellation(e)
          ? { ...base, status: 'skipped', reason: l10n.t('Cancelled.') }
          : { ...base, status: 'failed', reason: errorMessage(e) };
      }
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome, outcomes.length, plan.items.length);
  }
  return outcomes;
}
