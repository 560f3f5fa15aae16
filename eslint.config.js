// One linter for the whole tree; the per-folder blocks below encode the layering
// (UI -> engine -> core) so a wrong-way import fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const uiModules = ['ink', 'ink-*', 'react', 'react/*', '@inquirer/*', 'chalk'];
const ioModules = [
  'node:fs',
  'node:fs/*',
  'node:child_process',
  'node:os',
  'node:net',
  'ssh2',
  'conf',
];

export default tseslint.config(
  {ignores: ['dist/', 'dist.*/', 'node_modules/', 'coverage/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {files: ['**/*.{js,mjs}'], languageOptions: {globals: globals.node}},
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_'},
      ],
    },
  },
  {
    files: ['source/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: [...uiModules, ...ioModules], message: 'source/core is pure: no UI, no I/O.'},
            {
              group: ['**/engine/**', '**/screens/**'],
              message: 'Imports flow UI -> engine -> core.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        {name: 'process', message: 'source/core reads no environment: pass values in.'},
      ],
      'no-restricted-properties': [
        'error',
        {object: 'Date', property: 'now', message: 'source/core has no clock: pass `now` in.'},
      ],
    },
  },
  {
    files: ['source/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...uiModules, '**/screens/**'],
              message: 'The engine knows nothing about rendering.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['screens/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ioModules, message: 'Screens do no I/O: props in, results out.'}]},
      ],
    },
  },
  prettier,
);
