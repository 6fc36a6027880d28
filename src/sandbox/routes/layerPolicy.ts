// AddLayerVersionPermission, GetLayerVersionPolicy, RemoveLayerVersionPermission: the owner's view of who may use a version.
import { layerVersionArn, parseLayerName } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_CONTROL_REQUEST_BYTES } from '../limits';
import type { RequestContext, Router } from '../router';
import type { LayerVersionKey, PolicyStatement } from '../store/policies';
import { Problems } from '../validate';
import { ApiError, conflict, invalidParameter, notFound, sendEmpty, sendJson } from '../wire';

interface AddBody {
  StatementId?: string;
  Action?: string;
  Principal?: string;
  OrganizationId?: string;
}

/** The service model's patterns and bounds. */
const STATEMENT_ID_PATTERN = '([a-zA-Z0-9-_]+)';
const ACTION_PATTERN = 'lambda:GetLayerVersion';
const PRINCIPAL_PATTERN = '\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root';
const ORGANIZATION_ID_PATTERN = 'o-[a-z0-9]{10,32}';
/** Lambda's resource policy size limit (documented for function policies; the same is assumed for layers). */
const MAX_POLICY_BYTES = 20_480;

const POLICY_PATH = '/2018-10-31/layers/:LayerName/versions/:VersionNumber/policy';

export function layerPolicyRoutes(router: Router, sb: SandboxContext, versionParam: (raw: string) => number): void {
  const target = (ctx: RequestContext): LayerVersionKey => ({
    account: ctx.account,
    region: ctx.region,
    name: parseLayerName(ctx.params.LayerName),
    version: versionParam(ctx.params.VersionNumber),
  });
  router
    .add('POST', POLICY_PATH, (ctx) => add(ctx, sb, target(ctx)))
    .add('GET', POLICY_PATH, (ctx) => get(ctx, sb, target(ctx)))
    .add('DELETE', `${POLICY_PATH}/:StatementId`, (ctx) => remove(ctx, sb, target(ctx)));
}

const noSuchVersion = () => notFound('The resource you requested does not exist.');
const staleRevision = () =>
  new ApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id',
  );

function requireVersion(sb: SandboxContext, key: LayerVersionKey): string {
  if (!sb.store.layers(key.region, key.account).get(key.name, key.version)) throw noSuchVersion();
  return layerVersionArn(key.region, key.name, key.version, key.account);
}

function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

async function add(ctx: RequestContext, sb: SandboxContext, key: LayerVersionKey): Promise<void> {
  const body = await ctx.json<AddBody>(MAX_CONTROL_REQUEST_BYTES, 'AddLayerVersionPermission');
  const p = new Problems();
  p.required(body.StatementId, 'statementId');
  p.pattern(body.StatementId, 'statementId', STATEMENT_ID_PATTERN);
  p.maxLength(body.StatementId, 'statementId', 100);
  p.required(body.Action, 'action');
  p.pattern(body.Action, 'action', ACTION_PATTERN);
  p.maxLength(body.Action, 'action', 22);
  p.required(body.Principal, 'principal');
  p.pattern(body.Principal, 'principal', PRINCIPAL_PATTERN);
  p.pattern(body.OrganizationId, 'organizationId', ORGANIZATION_ID_PATTERN);
  p.maxLength(body.OrganizationId, 'organizationId', 34);
  p.throwIfAny();
  const arn = requireVersion(sb, key);
  if (body.OrganizationId !== undefined && body.Principal !== '*') {
    throw invalidParameter('OrganizationId can only be specified when Principal is "*".');
  }
  const statement: PolicyStatement = {
    Sid: body.StatementId!,
    Effect: 'Allow',
    Principal:
      body.Principal === '*'
        ? '*'
        : { AWS: body.Principal!.startsWith('arn:') ? body.Principal! : `arn:aws:iam::${body.Principal}:root` },
    Action: 'lambda:GetLayerVersion',
    Resource: arn,
    ...(body.OrganizationId !== undefined && {
      Condition: { StringEquals: { 'aws:PrincipalOrgID': body.OrganizationId } },
    }),
  };
  const revision = ctx.query.get('RevisionId');
  const record = await sb.store.policies.modify(key, (current) => {
    if (revision !== null && revision !== (current?.revisionId ?? '')) throw staleRevision();
    const statements = current?.statements ?? [];
    if (statements.some((s) => s.Sid === statement.Sid)) {
      throw conflict(
        `The statement id (${statement.Sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      );
    }
    const size = Buffer.byteLength(policyDocument([...statements, statement]));
    if (size > MAX_POLICY_BYTES) {
      throw new ApiError(
        400,
        'PolicyLengthExceededException',
        `The final policy size (${size}) is bigger than the limit (${MAX_POLICY_BYTES}).`,
      );
    }
    return [...statements, statement];
  });
  sb.log.info(`granted ${key.name}:${key.version} to ${body.OrganizationId ?? body.Principal} (${statement.Sid})`);
  sendJson(ctx.res, 201, { Statement: JSON.stringify(statement), RevisionId: record!.revisionId });
}

async function get(ctx: RequestContext, sb: SandboxContext, key: LayerVersionKey): Promise<void> {
  requireVersion(sb, key);
  const record = sb.store.policies.get(key);
  if (!record) throw notFound('No policy is associated with the given resource.');
  sendJson(ctx.res, 200, { Policy: policyDocument(record.statements), RevisionId: record.revisionId });
}

async function remove(ctx: RequestContext, sb: SandboxContext, key: LayerVersionKey): Promise<void> {
  const sid = ctx.params.StatementId;
  const p = new Problems();
  p.pattern(sid, 'statementId', STATEMENT_ID_PATTERN);
  p.maxLength(sid, 'statementId', 100);
  p.throwIfAny();
  requireVersion(sb, key);
  const revision = ctx.query.get('RevisionId');
  await sb.store.policies.modify(key, (current) => {
    if (revision !== null && revision !== (current?.revisionId ?? '')) throw staleRevision();
    const statements = current?.statements ?? [];
    if (!statements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
    return statements.filter((s) => s.Sid !== sid);
  });
  sb.log.info(`revoked ${sid} on ${key.name}:${key.version}`);
  sendEmpty(ctx.res, 204);
}
