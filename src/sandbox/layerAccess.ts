// Who may use a layer version: its owner, and whoever its policy grants lambda:GetLayerVersion, as on AWS.
import type { LayerPolicyStore, LayerVersionKey, PolicyStatement } from './store/policies';
import { ApiError } from './wire';

/** True when `caller` owns the version or a statement of its policy names the caller, the caller's organization or everyone. */
export function mayGetLayerVersion(policies: LayerPolicyStore, caller: string, key: LayerVersionKey): boolean {
  if (caller === key.account) return true;
  const statements = policies.get(key)?.statements ?? [];
  return statements.some((s) => grants(s, caller, policies.organizationOf(caller)));
}

function grants(s: PolicyStatement, caller: string, organization: string | undefined): boolean {
  if (s.Principal === '*') {
    const org = s.Condition?.StringEquals['aws:PrincipalOrgID'];
    return org === undefined || org === organization;
  }
  return s.Principal.AWS === `arn:aws:iam::${caller}:root`;
}

/** AWS's answer when no resource-based policy lets the caller use a layer version. */
export const layerAccessDenied = (caller: string, layerVersionArn: string) =>
  new ApiError(
    403,
    'AccessDeniedException',
    `User: arn:aws:iam::${caller}:root is not authorized to perform: lambda:GetLayerVersion on resource: ${layerVersionArn} because no resource-based policy allows the lambda:GetLayerVersion action`,
  );
