import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { sharedFilePaths } from '../aws/profiles';
import type { Services } from '../services';

/** Opens the shared AWS config file; when it does not exist yet, an unsaved editor for it with a short example. */
export async function openAwsConfigFile(_services: Services): Promise<void> {
  const file = vscode.Uri.file(sharedFilePaths().config);
  if (existsSync(file.fsPath)) {
    await vscode.window.showTextDocument(file);
    return;
  }
  // An untitled document with the file's path: nothing is written until the user saves.
  const editor = await vscode.window.showTextDocument(file.with({ scheme: 'untitled' }));
  await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), template()));
}

function template(): string {
  return [
    `# ${vscode.l10n.t('AWS shared config file, read by the AWS CLI, the AWS SDKs and Lambda Layers.')}`,
    `# ${vscode.l10n.t('Run "aws configure sso" or "aws configure", or uncomment and edit one of these profiles:')}`,
    '#',
    '# [profile my-sso-profile]',
    '# sso_session = my-sso',
    '# sso_account_id = 123456789012',
    '# sso_role_name = PowerUserAccess',
    '# region = us-east-1',
    '#',
    '# [sso-session my-sso]',
    '# sso_start_url = https://my-company.awsapps.com/start',
    '# sso_region = us-east-1',
    '#',
    '# [default]',
    '# region = us-east-1',
    '',
  ].join('\n');
}
