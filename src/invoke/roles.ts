import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  paginateListRoles,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import { UserError, throwIfAborted } from '../util/errors';

/** Any ARN-shaped role works on our local endpoint, which runs functions without IAM. */
export const LOCAL_ROLE_ARN = 'arn:aws:iam::123456789012:role/lambda-layers-local';
export const DEFAULT_ROLE_NAME = 'lambda-layers-probe-role';
/** The basic execution role Create Function offers to create for the user's functions. */
export const FUNCTION_ROLE_NAME = 'lambda-layers-function-role';

const LAMBDA_PRINCIPAL = 'lambda.amazonaws.com';
const BASIC_EXECUTION_POLICY = 'service-role/AWSLambdaBasicExecutionRole';
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface LambdaRole {
  name: string;
  arn: string;
  path?: string;
}

/** Roles whose trust policy lets Lambda assume them: the only ones a function can run as. */
export async function listLambdaRoles(iam: IAMClient, signal?: AbortSignal): Promise<LambdaRole[]> {
  const roles: LambdaRole[] = [];
  for await (const page of paginateListRoles({ client: iam }, {})) {
    throwIfAborted(signal);
    for (const role of page.Roles ?? []) {
      if (role.RoleName && role.Arn && lambdaCanAssume(role.AssumeRolePolicyDocument)) {
        roles.push({ name: role.RoleName, arn: role.Arn, path: role.Path });
      }
    }
  }
  return roles.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * True when a trust policy (IAM returns it URL-encoded) has an Allow statement for sts:AssumeRole
 * with lambda.amazonaws.com among the service principals.
 */
function lambdaCanAssume(document: string | undefined): boolean {
  if (!document) return false;
  let policy: unknown;
  try {
    policy = JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
  } catch {
    return false;
  }
  const statements = asArray((policy as { Statement?: unknown } | null)?.Statement);
  return statements.some((s) => {
    if (!s || typeof s !== 'object') return false;
    const st = s as { Effect?: unknown; Action?: unknown; Principal?: unknown };
    const actions = asArray(st.Action);
    const service = asArray((st.Principal as { Service?: unknown } | undefined)?.Service);
    return (
      st.Effect === 'Allow' &&
      actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*') &&
      service.includes(LAMBDA_PRINCIPAL)
    );
  });
}

/**
 * Creates a role Lambda can assume with only AWSLambdaBasicExecutionRole attached (CloudWatch Logs),
 * or returns the existing role of that name when it already is one. Only on the user's request.
 */
export async function createLambdaRole(iam: IAMClient, name: string = DEFAULT_ROLE_NAME): Promise<LambdaRole> {
  if (!ROLE_NAME.test(name)) {
    throw new UserError(l10n.t('"{0}" is not a valid role name (1-64 letters, digits and +=,.@_-).', name));
  }
  const existing = await getRole(iam, name);
  if (existing) {
    if (!lambdaCanAssume(existing.AssumeRolePolicyDocument)) {
      throw new UserError(l10n.t('Role {0} already exists but Lambda cannot assume it. Choose another name.', name));
    }
    return { name, arn: existing.Arn!, path: existing.Path };
  }
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: LAMBDA_PRINCIPAL }, Action: 'sts:AssumeRole' }],
  };
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(trust),
      Description: 'Execution role created by the Lambda Layers extension (logs only)',
    }),
  );
  const partition = created.Role?.Arn?.split(':')[1] ?? 'aws';
  try {
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: name,
        PolicyArn: `arn:${partition}:iam::aws:policy/${BASIC_EXECUTION_POLICY}`,
      }),
    );
  } catch (e) {
    // Leave no half-made role behind: a retry would find it and reuse it without the policy.
    await iam.send(new DeleteRoleCommand({ RoleName: name })).catch(() => undefined);
    throw e;
  }
  return { name, arn: created.Role!.Arn!, path: created.Role?.Path };
}

async function getRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (e) {
    if (classifyAwsError(e) === 'notFound') return undefined;
    throw e;
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}
