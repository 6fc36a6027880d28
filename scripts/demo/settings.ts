// Writes a few settings into a settings.json, keeping everything else in it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Sets (or, for undefined, removes) `values` in the JSON settings file, creating it when absent. A file that is
 * not plain JSON (comments, trailing commas) is left alone: returns false, and the caller tells the user.
 */
export function updateSettingsFile(file: string, values: Record<string, unknown>): boolean {
  let settings: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      return false;
    }
  }
  const next = { ...settings };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  const text = `${JSON.stringify(next, null, 2)}\n`;
  // Unchanged settings are not rewritten: an open window would reconnect for nothing.
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return true;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}
