import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { checkJson } from '../../invoke/jsonCheck';
import {
  createTestEvent,
  listTestEvents,
  payloadFromText,
  validateEventName,
  type TestEventRef,
} from '../../invoke/testEvents';
import type { Services } from '../../services';
import { CancelledError, UserError } from '../../util/errors';
import { askText } from '../prompts';

/** The event an invoke sends: a saved test event (by name) or `{}`; `text` is what was validated. */
export interface ChosenEvent {
  name?: string;
  text: string;
  payload: Uint8Array;
}

/** Given by automation instead of asking: a payload (JSON text or any JSON value) or a saved event's name. */
export interface EventOptions {
  payload?: unknown;
  eventName?: string;
}

const LAST_EVENT_KEY = 'lambdaLayers.lastTestEvent';
const EMPTY = '{}';
const NEW_EVENT_TEMPLATE = '{\n  "key": "value"\n}\n';

/** The event to send: from the options, else picked (empty, saved, or a new one created and opened). */
export async function chooseEvent(
  services: Services,
  functionName: string,
  options: EventOptions = {},
): Promise<ChosenEvent> {
  if (options.payload !== undefined) {
    const text = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
    return { text, payload: payloadFromText(text, vscode.l10n.t('The payload')) };
  }
  const root = workspaceRoot();
  if (options.eventName !== undefined) {
    const event = root
      ? (await listTestEvents(root, functionName)).find((e) => e.name === options.eventName)
      : undefined;
    if (!event)
      throw new UserError(
        vscode.l10n.t('There is no saved test event "{0}" for {1}.', options.eventName, functionName),
      );
    return readEvent(event);
  }
  const picked = await pickEvent(services, functionName, root);
  await remember(services, functionName, picked?.name);
  return picked ? readEvent(picked) : { text: EMPTY, payload: new TextEncoder().encode(EMPTY) };
}

/** What the last invoke picked for this function: its saved event, else the empty event (for Deploy and Invoke). */
export function lastEventOptions(services: Services, functionName: string): EventOptions {
  const name = services.context.workspaceState.get<Record<string, string>>(LAST_EVENT_KEY)?.[functionName];
  return name ? { eventName: name } : { payload: EMPTY };
}

type Item = vscode.QuickPickItem & { event?: TestEventRef; action?: 'empty' | 'new' };

/** Resolves with the saved event picked, or undefined for the empty event. */
async function pickEvent(
  services: Services,
  functionName: string,
  root: string | undefined,
): Promise<TestEventRef | undefined> {
  const events = root ? await listTestEvents(root, functionName) : [];
  const last = services.context.workspaceState.get<Record<string, string>>(LAST_EVENT_KEY)?.[functionName];
  const edit: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: vscode.l10n.t('Edit') };
  const saved: Item[] = await Promise.all(
    events.map(async (event) => ({
      label: `$(file-code) ${event.name}`,
      description: event.name === last ? vscode.l10n.t('last used') : undefined,
      detail: await preview(event.path),
      buttons: [edit],
      event,
    })),
  );
  const items: Item[] = [
    { label: vscode.l10n.t('$(json) Empty event'), description: EMPTY, action: 'empty' },
    ...(saved.length > 0
      ? [{ label: vscode.l10n.t('Saved test events'), kind: vscode.QuickPickItemKind.Separator }, ...saved]
      : []),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: vscode.l10n.t('$(add) New Test Event…'),
      description: root ? undefined : vscode.l10n.t('open a folder first'),
      detail: vscode.l10n.t('Saved as a JSON file under .lambda-layers/events/, opened for editing'),
      action: 'new',
    },
  ];
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('Invoke {0}', functionName);
  pick.placeholder = vscode.l10n.t('Select the event to send');
  pick.matchOnDescription = true;
  pick.items = items;
  const lastItem = saved.find((i) => i.event?.name === last);
  if (lastItem) pick.activeItems = [lastItem];
  try {
    const choice = await new Promise<{ item: Item; editing: boolean }>((resolve, reject) => {
      pick.onDidAccept(() => pick.selectedItems[0] && resolve({ item: pick.selectedItems[0], editing: false }));
      pick.onDidTriggerItemButton((e) => resolve({ item: e.item, editing: true }));
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
    pick.hide();
    if (choice.item.event) {
      if (choice.editing) {
        await vscode.window.showTextDocument(vscode.Uri.file(choice.item.event.path));
        throw new CancelledError();
      }
      return choice.item.event;
    }
    if (choice.item.action === 'new') {
      await newTestEvent(functionName, root);
      throw new CancelledError();
    }
    return undefined;
  } finally {
    pick.dispose();
  }
}

/** Asks for a name, writes the file and opens it; the user invokes again once it is edited. */
async function newTestEvent(functionName: string, root: string | undefined): Promise<void> {
  if (!root) throw new UserError(vscode.l10n.t('Open a folder to save test events in it.'));
  const name = await askText({
    title: vscode.l10n.t('New Test Event for {0}', functionName),
    prompt: vscode.l10n.t('Name of the event file'),
    placeHolder: 'order-created',
    validateInput: (v) => validateEventName(v.trim()),
  });
  const event = await createTestEvent(root, functionName, name, NEW_EVENT_TEMPLATE);
  await vscode.window.showTextDocument(vscode.Uri.file(event.path));
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Edit and save the event, then invoke {0} again: it is listed as "{1}".', functionName, event.name),
  );
}

/**
 * The event's bytes, checked to be JSON first (what is in the editor when the file is open there).
 * Invalid JSON stops the invoke with the line and column, and offers to open the file at that place.
 */
async function readEvent(event: TestEventRef): Promise<ChosenEvent> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === event.path);
  const text = open ? open.getText() : await fs.readFile(event.path, 'utf8');
  const check = checkJson(text);
  if (!check.ok) {
    const openEvent = vscode.l10n.t('Open Event');
    void Promise.resolve(
      vscode.window.showErrorMessage(
        vscode.l10n.t(
          '{0} is not valid JSON (line {1}, column {2}): {3}',
          `${event.name}.json`,
          check.line,
          check.column,
          check.message,
        ),
        openEvent,
      ),
    ).then(async (answer) => {
      if (answer !== openEvent) return;
      const position = new vscode.Position(check.line - 1, check.column - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(event.path), {
        selection: new vscode.Range(position, position),
      });
    });
    throw new CancelledError(); // the message above is the report
  }
  return { name: event.name, text, payload: payloadFromText(text, `${event.name}.json`) };
}

async function preview(path: string): Promise<string | undefined> {
  const text = await fs.readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
}

async function remember(services: Services, functionName: string, eventName: string | undefined): Promise<void> {
  const state = services.context.workspaceState;
  const all = { ...(state.get<Record<string, string>>(LAST_EVENT_KEY) ?? {}) };
  if (eventName) all[functionName] = eventName;
  else delete all[functionName];
  await state.update(LAST_EVENT_KEY, all);
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}
