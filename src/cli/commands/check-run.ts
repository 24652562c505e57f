/** What `photoroom check` does: resolve the preset and the inputs, measure and judge each image, show it, exit. */
import { runCheck } from '../../check/run.js';
import { configSourceLine } from '../../config/load.js';
import { resolveCommandSettings } from '../../config/settings.js';
import { errorCode, EXIT, faultReason, UserError } from '../../errors.js';
import { resolveInputs } from '../../inputs/discover.js';
import { IMAGE_EXTENSIONS } from '../../inputs/formats.js';
import type { Io } from '../io.js';
import { checkExitCode, createCheckReporter } from '../reporters/check.js';
import { shouldColor } from '../reporters/index.js';
import { escapeControls } from '../terminal.js';

export interface CheckCommandInput {
  inputs: readonly string[];
  /** Run options typed on the command line, by setting key. */
  flags: Readonly<Record<string, unknown>>;
  configPath?: string;
  io: Io;
}

const NO_PRESET =
  'check needs a preset: --preset NAME (photoroom presets lists them), PHOTOROOM_PRESET, or preset: in the config file';

export async function runCheckCommand({ inputs, flags, configPath, io }: CheckCommandInput): Promise<number> {
  const settings = await resolveCommandSettings(
    { command: 'check', flags, flagParams: [], configPath, env: io.env, cwd: io.cwd, contexts: [] },
    null,
  );
  const { run, preset } = settings;
  if (!preset) throw new UserError(NO_PRESET);
  if (run.verbose) io.stderr.write(`${escapeControls(configSourceLine(settings.config))}\n`);
  for (const warning of settings.warnings) io.stderr.write(`warning: ${escapeControls(warning)}\n`);

  const resolved = await resolveInputs({
    inputs,
    stdin: io.stdin,
    cwd: io.cwd,
    fromFile: run.fromFile,
    column: run.column,
    nulSeparated: run.null,
    include: run.include,
    exclude: run.exclude,
    skipFolders: [],
    // BMP too: the API takes none, but Walmart and Google Merchant Center do.
    extensions: [...IMAGE_EXTENSIONS, 'bmp'],
  });
  const reporter = await createCheckReporter({
    ...run,
    preset,
    color: shouldColor(io.stderr, io.env),
    stdout: io.stdout,
    stderr: io.stderr,
    onExit: (handler) => io.onExit(handler),
  });
  // The first Ctrl-C lets the images being measured finish and says the summary; a second
  // quits. A reader of --json that went away (`| head`) stops new images too, as in edit.
  const controller = new AbortController();
  const releaseSignals = io.onSignal(['SIGINT'], () => {
    if (controller.signal.aborted) io.exitNow(EXIT.interrupted);
    controller.abort();
  });
  let outputClosed = false;
  const releaseStdout = io.onStdoutRefused((error) => {
    outputClosed = true;
    io.stderr.write(
      `photoroom: ${errorCode(error) === 'EPIPE' ? 'standard output was closed (EPIPE)' : `standard output refused a write: ${faultReason(error)}`}: no new image started\n`,
    );
    controller.abort();
  });
  try {
    const summary = await runCheck({
      inputs: resolved,
      cwd: io.cwd,
      preset,
      concurrency: io.host.cores,
      signal: controller.signal,
      onEvent: (event) => reporter.onEvent(event),
      now: () => performance.now(),
    });
    return outputClosed ? EXIT.someInputsFailed : checkExitCode(summary);
  } finally {
    releaseSignals();
    releaseStdout();
    reporter.close();
  }
}
