import * as vscode from 'vscode';
import { toUserError } from '../aws/errors';
import { createLambdaRole, listLambdaRoles } from '../invoke/roles';
import type { Services } from '../services';
import { CancelledError } from '../util/errors';
import type { Connection } from '../vscode/connectionController';
import { confirmModal } from './layers/confirm';
import { askText } from './prompts';

const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/\S+$/;

type Item = vscode.QuickPickItem & { run?: () => Promise<string> };

/** What the role picker says and remembers, per purpose (the probe function, the user's functions). */
export interface RolePurpose {
  title: string;
  placeholder: string;
  /** Name of the basic execution role offered for creation. */
  roleName: string;
  /** workspaceState key of the last role picked. */
  stateKey: string;
}

/**
 * An execution role for a function on AWS: picked from the roles Lambda can assume (the last one used first),
 * entered as an ARN, or a basic execution role created after a confirmation naming it.
 */
export async function pickExecutionRole(services: Services, live: Connection, purpose: RolePurpose): Promise<string> {
  const arn = await pickRole(services, live, purpose);
  await services.context.workspaceState.update(purpose.stateKey, arn);
  return arn;
}

async function pickRole(services: Services, live: Connection, purpose: RolePurpose): Promise<string> {
  const last = services.context.workspaceState.get<string>(purpose.stateKey);
  const fixed: Item[] = [
    {
      label: vscode.l10n.t('$(add) Create role with basic execution'),
      description: purpose.roleName,
      detail: vscode.l10n.t('A new IAM role that Lambda can assume, allowed only to write logs.'),
      run: () => createRole(live, purpose.roleName),
    },
    { label: vscode.l10n.t('$(edit) Enter a role ARN…'), run: () => enterRoleArn(purpose.title) },
  ];
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = purpose.title;
  pick.placeholder = purpose.placeholder;
  pick.matchOnDetail = true;
  pick.items = fixed;
  pick.busy = true;
  const controller = new AbortController();
  listLambdaRoles(live.clients.iam, controller.signal)
    .then(
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
    )
    .finally(() => (pick.busy = false));
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

async function createRole(live: Connection, name: string): Promise<string> {
  await confirmModal(
    vscode.l10n.t('Create the IAM role {0}?', name),
    vscode.l10n.t(
      'Lambda can assume it, and it allows only writing logs (AWSLambdaBasicExecutionRole). An existing role of that name that Lambda can assume is used as it is.',
    ),
    vscode.l10n.t('Create Role'),
  );
  const role = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating the IAM role {0}…', name) },
    () => createLambdaRole(live.clients.iam, name),
  );
  return role.arn;
}

function enterRoleArn(title: string): Promise<string> {
  return askText({
    title,
    prompt: vscode.l10n.t('ARN of a role Lambda can assume'),
    placeHolder: 'arn:aws:iam::123456789012:role/my-lambda-role',
    validateInput: (v) =>
      ROLE_ARN.test(v.trim()) ? undefined : vscode.l10n.t('Not a role ARN like arn:aws:iam::123456789012:role/NAME'),
  });
}
