/**
 * A stand-in for the GitHub runner, enough to run a composite action's steps as the runner
 * does: each `run:` step's script in a file run by `bash --noprofile --norc -eo pipefail`
 * (what `shell: bash` means), in the workspace, with the step's `env:` evaluated, and the
 * runner's files: GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (one of each per step),
 * GITHUB_ENV, GITHUB_PATH, RUNNER_TEMP, over the job's environment (runProgram's: no
 * PHOTOROOM_* from the developer's shell). `uses:` steps (setup-node) are not run: the test's
 * Node is there. Expressions are evaluated only where the action may have them: in `env:`,
 * `with:` and `outputs:`, and only `inputs.*`, `github.action_path` and `steps.*.outputs.*`;
 * anything else, or an expression in a script's text, fails the run.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'js-yaml';
import { runProgram } from '../e2e/harness.js';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}

export interface CompositeAction {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

export interface StepRun {
  name: string;
  /** `uses:` steps are skipped; so are steps after one that failed. */
  ran: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface ActionRun {
  steps: StepRun[];
  /** The first failing step's code, or 0. */
  code: number;
  outputs: Record<string, string>;
  /** Every step's summary, as the runner joins them. */
  summary: string;
  /** Each step's GITHUB_OUTPUT file as written. */
  outputFiles: string[];
}

export async function loadAction(file: string): Promise<CompositeAction> {
  return load(await readFile(file, 'utf8')) as CompositeAction;
}

/** `${{ ... }}` with the few expressions a step's env may hold here. */
function evaluate(
  text: string,
  context: { inputs: Record<string, string>; actionPath: string; steps?: Map<string, Record<string, string>> },
): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expression);
    if (input) return context.inputs[input[1]!] ?? '';
    if (expression === 'github.action_path') return context.actionPath;
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (output && context.steps) return context.steps.get(output[1]!)?.[output[2]!] ?? '';
    throw new Error(`the stand-in runner does not evaluate \${{ ${expression} }}`);
  });
}

/**
 * GITHUB_OUTPUT as the runner reads it: `name=value` lines, and `name<<DELIMITER` followed by
 * the value's lines up to a line that is exactly the delimiter.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`GITHUB_OUTPUT line ${index + 1} is neither name=value nor name<<delimiter`);
    const delimiter = line.slice(heredoc + 2);
    const end = lines.indexOf(delimiter, index + 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: ${line.slice(0, heredoc)}'s delimiter never ends it`);
    outputs[line.slice(0, heredoc)] = lines.slice(index + 1, end).join('\n');
    index = end;
  }
  return outputs;
}

export interface RunActionOptions {
  /** The folder holding action.yml: `github.action_path`. */
  actionPath: string;
  workspace: string;
  inputs: Record<string, string>;
  /** The job's environment (a workflow's `env:`), over runProgram's. */
  env: Record<string, string>;
}

export async function runCompositeAction(action: CompositeAction, options: RunActionOptions): Promise<ActionRun> {
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, options.inputs[name] ?? input.default ?? '']),
  );
  for (const [name, input] of Object.entries(action.inputs))
    if (input.required && !inputs[name]) throw new Error(`input ${name} is required`);
  const runnerTemp = await mkdtemp(path.join(options.workspace, '..', 'runner-temp-'));
  const files = path.join(runnerTemp, '_runner_file_commands');
  await mkdir(files);
  const context = { inputs, actionPath: options.actionPath };
  const stepOutputs = new Map<string, Record<string, string>>();
  const run: ActionRun = { steps: [], code: 0, outputs: {}, summary: '', outputFiles: [] };
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    if (step.uses !== undefined || run.code !== 0) {
      run.steps.push({ name, ran: false, code: null, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`${name}: shell ${step.shell} is not bash`);
    if (step.if !== undefined) throw new Error(`${name}: the stand-in runner does not evaluate if:`);
    if (step.run!.includes('${{')) throw new Error(`${name}: an expression in the script's text`);
    const script = path.join(runnerTemp, `step-${index}.sh`);
    await writeFile(script, step.run!);
    const own = { output: path.join(files, `set_output_${index}`), summary: path.join(files, `step_summary_${index}`) };
    for (const file of [own.output, own.summary]) await writeFile(file, '');
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(String(value), context)]),
    );
    const result = await runProgram('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: options.workspace,
      env: {
        ...options.env,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: options.workspace,
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_OUTPUT: own.output,
        GITHUB_STEP_SUMMARY: own.summary,
        GITHUB_ENV: path.join(files, `set_env_${index}`),
        GITHUB_PATH: path.join(files, `add_path_${index}`),
        RUNNER_TEMP: runnerTemp,
        ...stepEnv,
      },
    });
    const outputFile = await readFile(own.output, 'utf8');
    const outputs = parseOutputFile(outputFile);
    if (step.id) stepOutputs.set(step.id, outputs);
    run.outputFiles.push(outputFile);
    run.summary += await readFile(own.summary, 'utf8');
    run.steps.push({ name, ran: true, ...result, outputs });
    if (result.code !== 0) run.code = result.code ?? 1;
  }
  run.outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, output]) => [
      name,
      evaluate(output.value, { ...context, steps: stepOutputs }),
    ]),
  );
  return run;
}
