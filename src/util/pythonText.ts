import { readFileSync } from 'node:fs';

// The runtime's Python lives in real .py files. esbuild inlines them as strings (loader `.py: 'text'` in
// esbuild.mjs); running from TypeScript source (tsx: tests, scripts) Node would load them as JavaScript, so
// there they are read as text here. Import this module before any `.py` import.
if (__filename.endsWith('.ts')) {
  require.extensions['.py'] ??= (module, file) => {
    module.exports = readFileSync(file, 'utf8');
  };
}
