import * as vscode from 'vscode';
import { toUserError } from '../../aws/errors';
import { DEFAULT_ROLE_NAME, LOCAL_ROLE_ARN, createLambdaRole, listLambdaRoles } from '../../invoke/roles';
import type { Services } from '../../services';
import { CancelledError } from '../../util/errors';
import type { Connection } from '../../vscode/connectionController';
import { askText } from '../prompts';

const LAST_ROLE_KEY = 'lambdaLayers.probeRole';
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/\S+$/;

type Item = vscode.QuickPickItem & { run?: () => Promise<string> };

/**
 * The execution role of the probe function: `lambdaLayers.probe.roleArn`, any role on the local endpoint
 * (it runs functions without IAM), else picked from the roles Lambda can assume, or created on request.
 */
export async function probeRole(services: Services, live: Connection): Promise<string> {
  const configured = vscode.workspace.getConfiguration('lambdaLayers').get<string>('probe.roleArn')?.trim();
  if (configured) return configured;
  if (live.isLocal) return LOCAL_ROLE_ARN;
  const arn = await pickRole(services, live);
  await services.context.workspaceState.update(LAST_ROLE_KEY, arn);
  return arn;
}

async function pickRole(services: Services, live: Connection): Promise<string> {
  const last = services.context.workspaceState.get<string>(LAST_ROLE_KEY);
  const fixed: Item[] = [
    {
      label: vscode.l10n.t('$(add) Create role with basic execution'),
      description: DEFAULT_ROLE_NAME,
      detail: vscode.l10n.t('A new IAM role that Lambda can assume, allowed only to write logs.'),
      run: () => createRole(live),
    },
    { label: vscode.l10n.t('$(edit) Enter a role ARN…'), run: enterRoleArn },
  ];
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('Execution Role for the Probe Function');
  pick.placeholder = vscode.l10n.t('The probe function runs with this role (setting: lambdaLayers.probe.roleArn)');
  pick.matchOnDetail = true;
  pick.items = fixed;
  pick.busy = true;
  const controller = new AbortController();
  listLambdaRoles(live.clients.iam, controller.signal).then(
    (roles) => {
      const items: Item[] = roles
        .sort((a, b) => Number(b.arn === last) - Number(a.arn === last))
        .map((role) => ({
          label: `$(shield) ${role.name}`,
          description: role.arn === last ? vscode.l10n.t('last used') : undefined,
          detail: role.arn,
          run: () => Promise.resolve(role.arn),
        }));
      pick.items = [...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, ...fixed];
    },
    (e: unknown) => {
      const reason = toUserError(e).message;
      services.log.warn(`Listing IAM roles failed: ${reason}`);
      const problem = { label: `$(warning) ${vscode.l10n.t('Could not list the IAM roles: {0}', reason)}` };
      pick.items = [problem, ...fixed];
    },
  ).finally(() => (pick.busy = false));
  try {
    const item = await new Promise<Item>((resolve, reject) => {
      pick.onDidAccept(() => pick.selectedItems[0]?.run && resolve(pick.selectedItems[0]));
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
    pick.hide();
    return await item.run!();
  } finally {
    controller.abort();
    pick.dispose();
  }
}

async function createRole(live: Connection): Promise<string> {
  const role = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating the IAM role {0}…', DEFAULT_ROLE_NAME) },
    () => createLambdaRole(live.clients.iam),
  );
  return role.arn;
}

function enterRoleArn(): Promise<string> {
  return askText({
    title: vscode.l10n.t('Execution Role for the Probe Function'),
    prompt: vscode.l10n.t('ARN of a role Lambda can assume'),
    placeHolder: 'arn:aws:iam::123456789012:role/my-lambda-role',
    validateInput: (v) => (ROLE_ARN.test(v.trim()) ? undefined : vscode.l10n.t('Not a role ARN like arn:aws:iam::123456789012:role/NAME')),
  });
}
