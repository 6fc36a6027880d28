import * as path from 'node:path';
import * as vscode from 'vscode';
import { LAYER_NAME, sourceLanguage } from '../layer/build';
import {
  ARCHITECTURES,
  isArchitecture,
  isRuntime,
  runtimeLanguage,
  runtimesOf,
  type Architecture,
  type Language,
  type Runtime,
} from '../layer/runtimes';
import type { Services } from '../services';
import { UserError } from '../util/errors';
import { pickLive } from './livePick';
import { askText, pickOne } from './prompts';

/** What a build of one source file (requirements.txt, package.json) targets; remembered per file in the workspace state. */
export interface BuildChoices {
  runtime: Runtime;
  architecture: Architecture;
  name: string;
}

const CHOICES_KEY = 'lambdaLayers.buildChoices';
const SOURCES_GLOB = '**/{requirements*.txt,package.json}';
const EXCLUDED_FOLDERS = '**/{node_modules,.venv,venv,.tox,.git,.lambda-layers}/**';

export function rememberedChoices(services: Services, requirements: vscode.Uri): BuildChoices | undefined {
  const all = services.context.workspaceState.get<Record<string, BuildChoices>>(CHOICES_KEY, {});
  const saved = all[requirements.toString()];
  return saved &&
    isRuntime(saved.runtime) &&
    runtimeLanguage(saved.runtime) === sourceLanguage(requirements.fsPath) &&
    isArchitecture(saved.architecture) &&
    LAYER_NAME.test(saved.name)
    ? saved
    : undefined;
}

export async function rememberChoices(
  services: Services,
  requirements: vscode.Uri,
  choices: BuildChoices,
): Promise<void> {
  const state = services.context.workspaceState;
  const all = state.get<Record<string, BuildChoices>>(CHOICES_KEY, {});
  await state.update(CHOICES_KEY, { ...all, [requirements.toString()]: choices });
}

/** The source file to build (requirements*.txt or package.json): the only one in the workspace, or one picked. */
export async function pickRequirementsFile(services: Services, title: string): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles(SOURCES_GLOB, EXCLUDED_FOLDERS);
  if (found.length === 0) {
    throw new UserError(
      vscode.l10n.t(
        'No requirements*.txt or package.json in this workspace. Create one that lists the packages of the layer.',
      ),
    );
  }
  if (found.length === 1) return found[0];
  const items = found
    .map((uri) => {
      const saved = rememberedChoices(services, uri);
      return {
        label: `$(file) ${vscode.workspace.asRelativePath(uri)}`,
        description: saved ? `${saved.name} · ${saved.runtime} · ${saved.architecture}` : undefined,
        uri,
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await pickOne({
    title,
    placeholder: vscode.l10n.t('Select the requirements file of the layer'),
    items,
  });
  return picked.uri;
}

type RuntimeItem = vscode.QuickPickItem & { runtime?: Runtime; fromFunction?: boolean };

/**
 * Asks for whatever `given` leaves open, each prompt starting at the remembered choice. "From a
 * function…" takes runtime and architecture from a function of the explorer.
 */
export async function askChoices(
  services: Services,
  requirements: vscode.Uri,
  given: Partial<BuildChoices>,
  title: string,
): Promise<BuildChoices> {
  const saved = rememberedChoices(services, requirements);
  let runtime = given.runtime;
  let architecture = given.architecture;
  if (!runtime) {
    const language = sourceLanguage(requirements.fsPath);
    const picked = await pickRuntime(saved?.runtime, title, language);
    if (picked.fromFunction) {
      const fn = await pickFunction(services, title, language);
      runtime = fn.runtime;
      architecture ??= fn.architecture;
    } else {
      runtime = picked.runtime!;
    }
  }
  architecture ??= await pickArchitecture(saved?.architecture, title);
  const name =
    given.name ??
    (await askText({
      title,
      prompt: vscode.l10n.t('Layer name (letters, digits, hyphens and underscores)'),
      value: saved?.name ?? defaultLayerName(requirements),
      validateInput: validateLayerName,
    }));
  return { runtime, architecture, name };
}

export function validateLayerName(value: string): string | undefined {
  return LAYER_NAME.test(value.trim())
    ? undefined
    : vscode.l10n.t('Use 1 to 140 letters, digits, hyphens or underscores.');
}

/** "orders/requirements-prod.txt" → "orders-prod": the folder's name plus the file's suffix, cleaned up. */
export function defaultLayerName(requirements: vscode.Uri): string {
  const folder = path.basename(path.dirname(requirements.fsPath));
  const suffix = /^requirements[-_.]?(.*)\.txt$/i.exec(path.basename(requirements.fsPath))?.[1] ?? '';
  const name = [folder, suffix]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 140);
  return name || 'layer';
}

async function pickRuntime(remembered: Runtime | undefined, title: string, language: Language): Promise<RuntimeItem> {
  const items: RuntimeItem[] = runtimesOf(language).map((runtime: Runtime) => ({
    label: runtime,
    description: runtime === remembered ? vscode.l10n.t('last used') : undefined,
    runtime,
  }));
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: vscode.l10n.t('$(symbol-function) From a function…'),
      description: vscode.l10n.t('runtime and architecture of a function in the explorer'),
      fromFunction: true,
    },
  );
  return pickOne({
    title,
    placeholder:
      language === 'python'
        ? vscode.l10n.t('Select the Python runtime the layer is for')
        : vscode.l10n.t('Select the Node.js runtime the layer is for'),
    items,
    active: items.find((i) => i.runtime === remembered),
  });
}

async function pickArchitecture(remembered: Architecture | undefined, title: string): Promise<Architecture> {
  const items = ARCHITECTURES.map((architecture) => ({
    label: architecture,
    description: architecture === remembered ? vscode.l10n.t('last used') : undefined,
  }));
  const picked = await pickOne({
    title,
    placeholder: vscode.l10n.t('Select the architecture the layer is for'),
    items,
    active: items.find((i) => i.label === remembered),
  });
  return picked.label as Architecture;
}

type FunctionPick = vscode.QuickPickItem & { runtime: Runtime; architecture: Architecture };

/** A function of the explorer in the source's language, whose runtime the build supports. */
async function pickFunction(services: Services, title: string, language: Language): Promise<FunctionPick> {
  services.connection.require();
  const { explorer } = services;
  explorer.ensureLoaded();
  return pickLive<FunctionPick>({
    title,
    placeholder: vscode.l10n.t('Select the function the layer is for'),
    busy: () => explorer.model?.state.status === 'loading',
    onDidChange: (listener) => explorer.onDidChange(listener),
    items: () =>
      (explorer.model?.functions ?? []).flatMap((fn) => {
        const architecture = fn.architecture || 'x86_64';
        if (!fn.runtime || !isRuntime(fn.runtime) || !isArchitecture(architecture)) return [];
        if (runtimeLanguage(fn.runtime) !== language) return [];
        return [
          {
            label: `$(symbol-function) ${fn.name}`,
            description: `${fn.runtime} · ${architecture}`,
            runtime: fn.runtime,
            architecture,
          },
        ];
      }),
  });
}
