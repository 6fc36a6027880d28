import * as vscode from 'vscode';
import type { FleetProgress } from '../../fleet/progress';
import type { Fleet } from '../../fleet/scope';
import type { RolloutItem, RolloutPlan, RolloutRow, SmokeTest } from '../../fleet/rollout';
import { tryParseJson } from '../../invoke/result';
import { listTestEvents, readEventPayload } from '../../invoke/testEvents';
import type { Services } from '../../services';
import { distinctVersionChanges, type VersionChange } from '../../stack/compare';
import { withCancellableProgress } from '../cancellableProgress';
import { probeRole } from '../invoke/probeRole';
import { bulletList } from '../layers/confirm';
import { confirmChange } from '../stack/confirmChange';
import { askText, pickMany, pickOne } from '../prompts';
import { fleetLayerName } from './fleetLayer';

/** The smoke test run on each canary: none, the import probe, or an invoke with this JSON event. */
export type SmokeChoice = { kind: 'none' } | { kind: 'probe' } | { kind: 'event'; payload: string };

/** Given by tests instead of the prompts. */
export interface RollOutAnswers {
  /** Show the plan only. */
  dryRun?: boolean;
  /** How many canaries (spread over the regions), or which (`region/name`). */
  canary?: number | string[];
  smoke?: SmokeChoice;
  confirmed?: boolean;
}

/**
 * Roll Out…: moves every function of the scope on an older version of the layer to its region's newest, canaries
 * first (a failing canary is put back and nothing else moves), then the rest with a bounded number in flight
 * per region. A dry run shows the plan; the result is a table that can be saved.
 */
export async function rollOut(services: Services, node?: unknown, answers: RollOutAnswers = {}): Promise<RolloutRow[]> {
  const title = vscode.l10n.t('Roll Out');
  const layer = await fleetLayerName(services, node, title);
  const fleet = await services.scope.fleet();
  const { planRollout, runRollout, invokeSmokeTest } = await import('../../fleet/rollout');
  const plan = await withCancellableProgress(
    vscode.l10n.t('Finding the functions behind on {0}', layer),
    (_report, signal) => planRollout(fleet, layer, { signal }),
  );
  for (const e of plan.errors) services.log.warn(`Rollout of ${layer}: ${e.target}: ${e.reason}`);
  if (plan.errors.length > 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Not rolled out in {0}: {1}',
        plan.errors.map((e) => e.target).join(', '),
        plan.errors.map((e) => e.reason).join('; '),
      ),
    );
  }
  if (plan.items.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("Every function using {0} is on its region's newest version.", layer),
    );
    return [];
  }
  if (answers.dryRun ?? (await askDryRun(title, plan))) {
    services.fleetPanels.showRollout(layer, plan.items, true);
    return [];
  }
  const canary = answers.canary ?? (await askCanary(title, plan));
  const smoke = answers.smoke ?? (await askSmoke(services, title, plan));
  if (!answers.confirmed) await reviewRollout(services, fleet, plan, canary, smoke);
  const smokeTest: SmokeTest | undefined =
    smoke.kind === 'event'
      ? invokeSmokeTest(smoke.payload)
      : smoke.kind === 'probe'
        ? (await import('../../fleet/probeSmoke')).probeSmokeTest(
            await probeRole(services, services.connection.require()),
            services.log,
          )
        : undefined;

  const rows = await withCancellableProgress(vscode.l10n.t('Rolling out {0}', layer), (report, signal) =>
    runRollout(fleet, plan, {
      canary,
      smoke: smokeTest,
      signal,
      log: services.log,
      onProgress: (p) => {
        const text = waitingText(p);
        if (text) report(text);
      },
      onRow: (row) => {
        services.log.info(
          `${row.target} ${row.function} ${row.from} -> ${row.to} ${row.result}${row.reason ? ` (${row.reason})` : ''}`,
        );
        report(`${row.target} ${row.function}: ${row.result}`, 100 / plan.items.length);
      },
    }),
  );
  services.fleetPanels.showRollout(layer, rows, false);
  void services.scope.loadInventory(true);
  // The explorer shows the connection's region: its functions that moved show their new layer list.
  const own = services.connection.current?.settings.region;
  for (const row of rows) {
    if (row.region === own && row.result !== 'unchanged')
      void services.explorer
        .refreshFunction(row.function)
        .catch((e: unknown) => services.log.warn(`Refreshing ${row.function}: ${String(e)}`));
  }
  const count = (r: RolloutRow['result']) => rows.filter((x) => x.result === r).length;
  const summary = vscode.l10n.t(
    '{0} updated, {1} rolled back, {2} unchanged, {3} failed.',
    count('updated'),
    count('rolled-back'),
    count('unchanged'),
    count('failed'),
  );
  if (count('failed') + count('rolled-back') > 0)
    void vscode.window.showWarningMessage(vscode.l10n.t('Rollout of {0} stopped: {1}', layer, summary));
  else void vscode.window.showInformationMessage(vscode.l10n.t('Rolled out {0}: {1}', layer, summary));
  return rows;
}

/**
 * The last look before anything moves: the plan, the canaries and the smoke test, with "Compare Versions…" to see
 * what each version change brings (read through the region of the functions it moves).
 */
async function reviewRollout(
  services: Services,
  fleet: Fleet,
  plan: RolloutPlan,
  canary: number | string[],
  smoke: SmokeChoice,
): Promise<void> {
  const canaries = Array.isArray(canary) ? canary.join(', ') : vscode.l10n.t('{0}, picked across the regions', canary);
  const smokeText =
    smoke.kind === 'probe'
      ? vscode.l10n.t('import probe')
      : smoke.kind === 'event'
        ? vscode.l10n.t('invoke with the test event')
        : vscode.l10n.t('none');
  const targetOf = (change: VersionChange) => plan.items.find((i) => i.from === change.from)?.target;
  await confirmChange(services, {
    message: vscode.l10n.t('Roll out {0} to {1} functions?', plan.layer, plan.items.length),
    detail: [
      vscode.l10n.t('Canaries: {0}', canaries),
      vscode.l10n.t('Smoke test: {0}', smokeText),
      '',
      bulletList(plan.items.map(planLine)),
      '',
      vscode.l10n.t('A failing canary is put back on its version and nothing else moves.'),
    ].join('\n'),
    action: vscode.l10n.t('Roll Out'),
    severity: 'warning',
    changes: distinctVersionChanges(plan.items),
    gatewayFor: (change) => (fleet.targets.find((t) => t.key === targetOf(change)) ?? fleet.targets[0]).session.gateway,
  });
}

function planLine(i: RolloutItem): string {
  const version = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  return `${i.target} ${i.function}: ${version(i.from)} → ${version(i.to)}`;
}

async function askDryRun(title: string, plan: RolloutPlan): Promise<boolean> {
  const run = { label: vscode.l10n.t('$(play) Roll Out…'), dryRun: false };
  const dry = { label: vscode.l10n.t('$(list-flat) Dry Run: show the plan'), dryRun: true };
  const placeholder = vscode.l10n.t(
    '{0} functions in {1} regions are behind',
    plan.items.length,
    new Set(plan.items.map((i) => i.target)).size,
  );
  return (await pickOne({ title, placeholder, items: [run, dry] })).dryRun;
}

async function askCanary(title: string, plan: RolloutPlan): Promise<number | string[]> {
  const auto = {
    label: vscode.l10n.t('Automatic canaries'),
    detail: vscode.l10n.t('Taken from each region in turn'),
    choose: false,
  };
  const chosen = { label: vscode.l10n.t('Choose the canary functions…'), choose: true };
  if (!(await pickOne({ title, placeholder: vscode.l10n.t('Canary wave'), items: [auto, chosen] })).choose) {
    const max = plan.items.length;
    const text = await askText({
      title,
      prompt: vscode.l10n.t('How many canaries (1 to {0})', max),
      value: String(Math.min(max, new Set(plan.items.map((i) => i.target)).size)),
      validateInput: (v) =>
        /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= max
          ? undefined
          : vscode.l10n.t('A whole number from 1 to {0}', max),
    });
    return Number(text);
  }
  const items = plan.items.map((i) => ({ label: i.function, description: i.target, key: `${i.target}/${i.function}` }));
  const picked = await pickMany({ title, placeholder: vscode.l10n.t('Canary functions'), items, selected: [] });
  return picked.length > 0 ? picked.map((p) => p.key) : 1;
}

/** None, the import probe, or a saved test event of the functions being rolled out (or JSON typed in). */
async function askSmoke(services: Services, title: string, plan: RolloutPlan): Promise<SmokeChoice> {
  type Item = vscode.QuickPickItem & { choice?: SmokeChoice; path?: string; typed?: boolean };
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const names = [...new Set(plan.items.map((i) => i.function))].slice(0, 50);
  const saved = root
    ? (await Promise.all(names.map(async (fn) => (await listTestEvents(root, fn)).map((e) => ({ fn, e }))))).flat()
    : [];
  const items: Item[] = [
    {
      label: vscode.l10n.t('$(beaker) Import probe'),
      detail: vscode.l10n.t("Every package of the new version must import on the canary's runtime"),
      choice: { kind: 'probe' },
    },
    ...saved.map(({ fn, e }) => ({
      label: `$(file-code) ${e.name}`,
      description: fn,
      detail: vscode.l10n.t('Invoke each canary with this saved test event'),
      path: e.path,
    })),
    { label: vscode.l10n.t('$(json) Test event as JSON…'), typed: true },
    {
      label: vscode.l10n.t('No smoke test'),
      detail: vscode.l10n.t('A canary only has to update cleanly'),
      choice: { kind: 'none' },
    },
  ];
  const picked = await pickOne({ title, placeholder: vscode.l10n.t('Smoke test for each canary'), items });
  if (picked.choice) return picked.choice;
  if (picked.path) return { kind: 'event', payload: new TextDecoder().decode(await readEventPayload(picked.path)) };
  const payload = await askText({
    title,
    prompt: vscode.l10n.t('Test event (JSON)'),
    value: '{}',
    validateInput: (v) => (tryParseJson(v).ok ? undefined : vscode.l10n.t('Not valid JSON')),
  });
  services.log.debug(`Rollout smoke event: ${payload}`);
  return { kind: 'event', payload };
}

/** What a function waits for, when it waits; undefined for ordinary steps. */
function waitingText(p: FleetProgress): string | undefined {
  if (p.state === 'queued')
    return vscode.l10n.t(
      '{0} {1}: waiting for a free slot (at most a few calls per region at once)',
      p.target,
      p.subject,
    );
  if (p.state !== 'waiting') return undefined;
  if (p.why === 'update-in-progress')
    return vscode.l10n.t('{0} {1}: waiting for an update already in progress', p.target, p.subject);
  if (p.why === 'revision-changed')
    return vscode.l10n.t('{0} {1}: changed meanwhile, reading it again', p.target, p.subject);
  return vscode.l10n.t('{0} {1}: waiting for the update to settle', p.target, p.subject);
}
