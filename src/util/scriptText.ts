import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';

// The local runtime's JavaScript (src/sandbox/runtime/bootstrap.cjs) is a real .cjs file run by another Node
// process. esbuild inlines this repository's .cjs files as strings (the plugin in esbuild.mjs); running from
// TypeScript source (tsx: tests, scripts) Node would execute them, so there they are read as text here. Only
// files under src/ are text: a dependency's .cjs still loads as code. Import this module before any .cjs import.
if (__filename.endsWith('.ts')) {
  const src = dirname(__dirname) + sep;
  const code = require.extensions['.cjs'] ?? require.extensions['.js'];
  require.extensions['.cjs'] = (module, file) => {
    if (file.startsWith(src) && !file.includes(`${sep}node_modules${sep}`)) module.exports = readFileSync(file, 'utf8');
    else code(module, file);
  };
}
