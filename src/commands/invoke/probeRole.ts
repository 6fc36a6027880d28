import * as vscode from 'vscode';
import { DEFAULT_ROLE_NAME, LOCAL_ROLE_ARN } from '../../invoke/roles';
import type { Services } from '../../services';
import type { Connection } from '../../vscode/connectionController';
import { pickExecutionRole } from '../executionRole';

/**
 * The execution role of the probe function: `lambdaLayers.probe.roleArn`, any role on the local endpoint
 * (it runs functions without IAM), else picked from the roles Lambda can assume, or created on request.
 */
export async function probeRole(services: Services, live: Connection): Promise<string> {
  const configured = vscode.workspace.getConfiguration('lambdaLayers').get<string>('probe.roleArn')?.trim();
  if (configured) return configured;
  if (live.isLocal) return LOCAL_ROLE_ARN;
  return pickExecutionRole(services, live, {
    title: vscode.l10n.t('Execution Role for the Probe Function'),
    placeholder: vscode.l10n.t('The probe function runs with this role (setting: lambdaLayers.probe.roleArn)'),
    roleName: DEFAULT_ROLE_NAME,
    stateKey: 'lambdaLayers.probeRole',
  });
}
