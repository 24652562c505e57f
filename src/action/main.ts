/**
 * The GitHub Action's one step (action.yml): reads the action's inputs from INPUT_*, runs
 * the CLI in this process with `--json`, logs each record in words as it comes, keeps the
 * records in a file (the `events` output), and once the CLI is done, whatever its end,
 * appends the job summary (GITHUB_STEP_SUMMARY) and the step's outputs (GITHUB_OUTPUT). It
 * returns the CLI's exit code, so the step fails as the run did.
 *
 * The key (the `api-key` input, or a PHOTOROOM_API_KEY the job sets) reaches the CLI as
 * PHOTOROOM_API_KEY in its environment, never on its command line. It is registered with the
 * run's redactor before anything runs, and the summary and outputs pass through it, as
 * everything the CLI prints does.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { appendFile, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { EXIT, UserError } from '../errors.js';
import { outputStream, printLines, processIo, type Io } from '../cli/io.js';
import { main } from '../cli/main.js';
import { closingLine, recordLines } from './log.js';
import { ACTION_COMMANDS, OutcomeTally, type ActionCommand } from './outcome.js';
import { outputsFileText, stepOutputs } from './outputs.js';
import { summaryMarkdown } from './summary.js';
import { splitWords } from './words.js';

/** The CLI's last lines on stderr kept for the summary of a run that never got to its batch. */
const KEPT_MESSAGES = 20;

/** The command line the action's inputs ask for: flags first, then `--`, so that an input named `-x.jpg` stays an input. */
export function actionArgv(env: Io['env']): { command: ActionCommand; argv: string[] } {
  const command = (env.INPUT_COMMAND ?? '').trim() || 'edit';
  if (!(ACTION_COMMANDS as readonly string[]).includes(command))
    throw new UserError(`the action's command input is ${JSON.stringify(command)}: use edit, segment or check`);
  const inputs = splitWords(env.INPUT_INPUTS ?? '', 'inputs');
  if (inputs.length === 0) throw new UserError("the action's inputs input names no file, folder, glob or URL");
  const output = (env.INPUT_OUTPUT ?? '').trim();
  const preset = (env.INPUT_PRESET ?? '').trim();
  return {
    command: command as ActionCommand,
    argv: [
      command,
      '--json',
      ...(output ? ['-o', output] : []),
      ...(preset ? ['--preset', preset] : []),
      ...splitWords(env.INPUT_ARGS ?? '', 'args'),
      '--',
      ...inputs,
    ],
  };
}

/** A stream that hands on each whole line written to it. */
function lineStream(onLine: (line: string) => void): Writable & { flushLast(): void } {
  let pending = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
      done();
    },
  });
  return Object.assign(stream, {
    flushLast() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  });
}

/**
 * `io.stderr`, keeping its last lines with the key masked: masked before the summary escapes
 * them for Markdown, after which a key's characters could be told apart by escapes.
 */
function keepingStderr(io: Io, kept: string[]): Io['stderr'] {
  return lineStream((line) => {
    io.stderr.write(`${line}\n`);
    kept.push(io.redactor.redact(line));
    if (kept.length > KEPT_MESSAGES) kept.shift();
  });
}

/** The CLI's environment: the action's own, the `api-key` input as PHOTOROOM_API_KEY when given. */
function cliEnv(env: Io['env']): Io['env'] {
  const { INPUT_API_KEY: key, ...rest } = env;
  return key ? { ...rest, PHOTOROOM_API_KEY: key } : rest;
}

export async function runAction(io: Io = processIo()): Promise<number> {
  const env = cliEnv(io.env);
  if (env.PHOTOROOM_API_KEY) io.redactor.register(env.PHOTOROOM_API_KEY);
  const folder = await mkdtemp(path.join(io.env.RUNNER_TEMP || io.host.tmpdir, 'photoroom-action-'));
  const eventsFile = path.join(folder, 'events.ndjson');
  const events = createWriteStream(eventsFile);
  const messages: string[] = [];

  let command: ActionCommand = 'edit';
  let tally = new OutcomeTally(command);
  let exitCode: number;
  // The run's names and a server's words reach the log: none may act as a workflow command
  // (`::error::`, `::add-mask::`...) there. GitHub stops reading commands until the token.
  const token = randomUUID();
  io.stderr.write(`::stop-commands::${token}\n`);
  try {
    const asked = actionArgv(io.env);
    command = asked.command;
    tally = new OutcomeTally(command);
    const stdout = lineStream((line) => {
      events.write(`${line}\n`);
      tally.addLine(line);
      printLines(io.stdout, recordLines(command, line));
    });
    // The CLI's own masking of the key and escaping apply to what it writes, as on a terminal.
    exitCode = await main(asked.argv, {
      ...io,
      env,
      stdout: outputStream(stdout, io.redactor),
      stderr: keepingStderr(io, messages),
    });
    stdout.flushLast();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    io.stderr.write(`photoroom action: ${error.message}\n`);
    messages.push(...error.problems.map(io.redactor.redact));
    exitCode = EXIT.usage;
  } finally {
    events.end();
    io.stderr.write(`::${token}::\n`);
  }
  await finished(events);

  const outcome = tally.result();
  printLines(io.stdout, [closingLine(outcome, exitCode)]);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, io.redactor.redact(summaryMarkdown({ outcome, exitCode, messages })));
  const outputFile = io.env.GITHUB_OUTPUT;
  if (outputFile) {
    // Each value masked before the file's delimiters are drawn around it.
    const outputs = Object.entries(stepOutputs(outcome, exitCode, eventsFile)).map(
      ([name, value]): [string, string] => [name, io.redactor.redact(value)],
    );
    await appendFile(
      outputFile,
      outputsFileText(Object.fromEntries(outputs), () => `ghadelimiter_${randomUUID()}`),
    );
  }
  return exitCode;
}
