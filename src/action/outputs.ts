/**
 * The step's outputs (GITHUB_OUTPUT): the counts, the exit code, and the failed inputs and
 * refused outputs one per line. Every value is written in the file's heredoc form,
 * `name<<DELIMITER`, the value, `DELIMITER`, with a delimiter drawn at random for each
 * value and never found in it, so that no name or reason can end a value early and set
 * another output (GitHub's own toolkit writes outputs the same way).
 */
import { escapeControls } from '../unsafe-text.js';
import type { RunOutcome } from './outcome.js';

export function stepOutputs(outcome: RunOutcome, exitCode: number, eventsFile: string): Record<string, string> {
  return {
    ok: String(outcome.ok),
    skipped: String(outcome.skipped),
    failed: String(outcome.failed),
    'not-processed': String(outcome.notProcessed),
    refused: String(outcome.preset?.refused ?? 0),
    credits: String(outcome.credits),
    'exit-code': String(exitCode),
    // One per line, so a line break in a name is shown escaped, as the CLI prints it.
    'failed-inputs': outcome.failures.map(({ name }) => escapeControls(name)).join('\n'),
    'refused-outputs': outcome.refusals.map(({ name }) => escapeControls(name)).join('\n'),
    events: eventsFile,
  };
}

/** The text appended to GITHUB_OUTPUT; `delimiter()` draws a fresh random delimiter. */
export function outputsFileText(outputs: Readonly<Record<string, string>>, delimiter: () => string): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      let end = delimiter();
      while (value.includes(end) || name.includes(end)) end = delimiter();
      return `${name}<<${end}\n${value}\n${end}\n`;
    })
    .join('');
}
