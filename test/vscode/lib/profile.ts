// A throwaway VS Code profile: user-data-dir (settings, language packs) and extensions-dir.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseArgs, ensureCodeServer } from './codeServer';
import { ZH_CN_PACK_DIR } from './paths';

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
}

/** Keeps the workbench quiet and deterministic: no welcome page, tips, update checks or chat panel. */
const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

export function createProfile(root: string, settings: Record<string, unknown>, locale?: string): Profile {
  const profile = { userDataDir: path.join(root, 'user-data'), extensionsDir: path.join(root, 'extensions') };
  fs.mkdirSync(path.join(profile.userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  const all = { ...BASE_SETTINGS, ...settings };
  fs.writeFileSync(path.join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(all, null, 2));
  if (locale && locale !== 'en') installLanguagePack(profile, locale);
  return profile;
}

/**
 * `--locale zh-cn` only takes effect when a language pack for it is registered in languagepacks.json; the
 * stub in test/vscode/zh-cn-pack is installed for that (see its README).
 */
export function installLanguagePack(profile: Profile, locale: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(ZH_CN_PACK_DIR, 'package.json'), 'utf8'));
  const localization = manifest.contributes.localizations[0];
  if (localization.languageId !== locale) throw new Error(`No test language pack for locale '${locale}' (only zh-cn).`);
  const id = `${manifest.publisher}.${manifest.name}`;

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'll-langpack-'));
  try {
    fs.cpSync(ZH_CN_PACK_DIR, path.join(staging, 'extension'), { recursive: true });
    const vsix = path.join(staging, 'pack.vsix');
    execFileSync('zip', ['-qr', vsix, 'extension'], { cwd: staging });
    execFileSync(ensureCodeServer(), [...baseArgs(profile), '--install-extension', vsix], {
      stdio: 'pipe',
      timeout: 120_000,
    });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }

  const installed = path.join(profile.extensionsDir, `${id}-${manifest.version}`);
  const translations = path.join(installed, localization.translations[0].path);
  if (!fs.existsSync(translations)) throw new Error(`Language pack install left no ${translations}`);
  const languagePacks = {
    [locale]: {
      hash: `stub-${manifest.version}`,
      extensions: [{ extensionIdentifier: { id, uuid: '' }, version: manifest.version }],
      translations: { vscode: translations },
      label: localization.localizedLanguageName,
    },
  };
  fs.writeFileSync(path.join(profile.userDataDir, 'languagepacks.json'), JSON.stringify(languagePacks));
}
