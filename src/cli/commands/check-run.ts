/** What `photoroom check` does: resolve the preset and the inputs, measure and judge each image, show it, exit. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CheckEvent } from '../../check/run.js';
import { runCheck } from '../../check/run.js';
import { configSourceLine } from '../../config/load.js';
import { resolveCommandSettings } from '../../config/settings.js';
import { errorCode, EXIT, faultReason, UserError } from '../../errors.js';
import { resolveInputs } from '../../inputs/discover.js';
import { IMAGE_EXTENSIONS } from '../../inputs/formats.js';
import { displayPath } from '../../paths.js';
import type { ImageRow } from '../../report/model.js';
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

/**
 * Where `check --report` writes its page: into the folder checked when one folder alone is
 * named, else into the working folder.
 */
async function pageFolder(inputs: readonly string[], cwd: string): Promise<string> {
  const only = inputs.length === 1 ? path.resolve(cwd, inputs[0]!) : undefined;
  const isFolder =
    only !== undefined &&
    (await stat(only).then(
      (info) => info.isDirectory(),
      () => false,
    ));
  return isFolder ? only : cwd;
}

/** What the page says was checked: the one input named, or the first and how many more. */
function checkedTitle(inputs: readonly string[], fromFile: string | undefined): string {
  if (inputs.length === 0) return fromFile ?? 'a list';
  return inputs.length === 1 ? inputs[0]! : `${inputs[0]} and ${inputs.length - 1} more`;
}

/**
 * `check --report`: keeps a row for each image told, and once the check is done writes the
 * page of them (those an interrupted check measured too).
 */
async function checkPage(inputs: readonly string[], fromFile: string | undefined, preset: string, io: Io) {
  const [{ imageRowOf, checkReportData }, { writePage }] = await Promise.all([
    import('../../report/checked.js'),
    import('../../report/write.js'),
  ]);
  const folder = await pageFolder(inputs, io.cwd);
  const rows: ImageRow[] = [];
  return {
    add(event: CheckEvent): void {
      const row = imageRowOf(event, preset, { folder, cwd: io.cwd });
      if (row) rows.push(row);
    },
    async write(): Promise<void> {
      const data = checkReportData(checkedTitle(inputs, fromFile), preset, rows);
      const file = await writePage(folder, data, { writer: io.host, redactor: io.redactor });
      io.stderr.write(`report: ${escapeControls(displayPath(io.cwd, file))}\n`);
    },
  };
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
  const page = run.report ? await checkPage(inputs, run.fromFile, preset.name, io) : undefined;
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
      onEvent: (event) => {
        reporter.onEvent(event);
        page?.add(event);
      },
      now: () => performance.now(),
    });
    await page?.write();
    return outputClosed ? EXIT.someInputsFailed : checkExitCode(summary);
  } finally {
    releaseSignals();
    releaseStdout();
    reporter.close();
  }
}
