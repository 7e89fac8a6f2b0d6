// ESLint (typescript-eslint, syntax rules only: fast, no type information needed). Layer rules —
// which folder may import which — are dependency-cruiser's job (.dependency-cruiser.cjs); both run in
// `npm run lint`, which .ci/run runs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'emulator/node_modules/**', 'var/**', 'tmp/**', 'public/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', FormData: 'readonly', Blob: 'readonly', crypto: 'readonly', performance: 'readonly', globalThis: 'readonly', document: 'readonly', window: 'readonly', navigator: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Sanitisers and parsers match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Queries live in src/adapters/db (DESIGN.md): no query builder or raw SQL anywhere else in src.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/adapters/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]", message: 'SQL belongs in src/adapters/db: add a repository function there.' },
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'SQL belongs in src/adapters/db: add a repository function there.' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The emulator's handlers take whatever JSON a client sends and answer as Graph would, field by
    // field: its request bodies are loosely typed at that boundary on purpose (housing365's own src
    // may not use any).
    files: ['emulator/src/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests and benches drive SDK responses and fixtures loosely typed.
    files: ['test/**', 'bench/**', 'emulator/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
