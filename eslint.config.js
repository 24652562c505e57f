import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What a run takes from the process it runs in (streams, environment, working folder,
 * TMPDIR, pid, the machine) is read in one place, src/cli/io.ts, and passed down (`Io`,
 * `Host`): below it, several runs can share a process, each with its own.
 */
const PROCESS_STATE =
  'Read it in src/cli/io.ts and pass it down (Io, Host): runs sharing a process each have their own';
const PROCESS_MODULES = /^(node:)?(os|process)$/;

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/work/', 'out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules for TypeScript: above all no-floating-promises and no-misused-promises,
    // as an async engine's forgotten promise is a lost result or an unhandled rejection.
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/io.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: PROCESS_STATE }],
      'no-restricted-properties': ['error', { object: 'globalThis', property: 'process', message: PROCESS_STATE }],
      'no-restricted-imports': [
        'error',
        { paths: ['os', 'node:os', 'process', 'node:process'].map((name) => ({ name, message: PROCESS_STATE })) },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=${PROCESS_MODULES}]`, message: PROCESS_STATE },
        {
          // One argument resolves against process.cwd(), which is not the run's working folder.
          selector: "CallExpression[callee.object.name='path'][callee.property.name='resolve'][arguments.length=1]",
          message: "Resolve against the run's working folder: path.resolve(cwd, file)",
        },
      ],
    },
  },
);
