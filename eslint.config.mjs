import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '.test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The local runtime's bootstrap (src/sandbox/runtime/bootstrap.cjs) and the Node.js import probe
    // (src/invoke/lambda_layers_probe.cjs): plain CommonJS run by a separate Node.
    files: ['src/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        [
          'require',
          'module',
          'exports',
          '__filename',
          'process',
          'Buffer',
          'console',
          'setImmediate',
          'SharedArrayBuffer',
          'Atomics',
          'performance',
          'URL',
        ].map((g) => [g, 'readonly']),
      ),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Type-aware rules on the extension's own code: a promise nobody awaits loses its failure, a promise where
    // a boolean or void callback is expected misbehaves silently, a switch over a union must name every case.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    // Pure core: everything outside the editor shell runs under plain Node. Imports through other files are
    // checked by test/unit/build/pureCore.test.ts.
    files: ['src/**'],
    ignores: ['src/extension.ts', 'src/services.ts', 'src/vscode/**', 'src/views/**', 'src/commands/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Pure modules must not import vscode.' }],
          patterns: [
            {
              regex: '^\\.\\.?/(.*/)?(extension|services|vscode/.*|views/.*|commands/.*)$',
              message: 'Pure modules must not import the editor shell.',
            },
          ],
        },
      ],
    },
  },
);
