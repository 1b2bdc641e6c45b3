// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** Node's built-in modules, with and without the `node:` prefix. */
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`]));

const electronBan = { name: 'electron', message: 'Only src-main/electron/ may import electron (layering).' };
const srcMainBan = { regex: '(^|/)src-main(/|$)', message: 'This side may not import src-main (layering).' };
const srcRendererBan = { regex: '(^|/)src-renderer(/|$)', message: 'This side may not import src-renderer (layering).' };
const nodeBan = { regex: '^node:', message: 'src-shared is pure TypeScript: no node:* imports (layering).' };

/**
 * The layering rules (ARCHITECTURE.md principle 6):
 * - src-shared imports nothing from src-main, src-renderer, electron, node built-ins or the DOM;
 * - src-renderer never imports src-main (nor electron, nor node built-ins);
 * - only src-main/electron/ imports electron.
 */
export const layering = [
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'src-shared is pure TypeScript: no Node built-ins (layering).' }))],
          patterns: [srcMainBan, srcRendererBan, nodeBan],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'process', 'Buffer', 'require', '__dirname'].map(
          (name) => ({ name, message: `src-shared runs anywhere: no ${name} (layering).` }),
        ),
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer talks to the back end through the Host, not Node (layering).' }))],
          patterns: [srcMainBan, nodeBan],
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts', 'scripts/**/*.{js,mjs,ts}'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: [srcRendererBan] }],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [srcRendererBan] }],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.gpu/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src-renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  ...layering,
);
