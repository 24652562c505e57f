/** Where an API command's requests go (the service, or an emulator started for the run), with which key and headers. */
import { endpointUrls } from '../../api/client.js';
import { requestHeaders } from '../../config/headers.js';
import type { RunSettings } from '../../config/options.js';
import { isLoopback } from '../../config/loopback.js';
import { StartUpError, UserError } from '../../errors.js';
import { isMaskable, MASKED_RUN, secretLength } from '../../secrets.js';

export function requireApiKey(run: RunSettings): string {
  if (run.apiKey) return run.apiKey;
  throw new StartUpError(
    'no API key: set PHOTOROOM_API_KEY (or apiKey in .photoroomrc, or --api-key); sandbox keys (sandbox_...) ' +
      'are free for trials, and --emulator tries everything on a local emulator with no key at all',
  );
}

/**
 * A key shorter than MASKED_RUN characters cannot be masked in output without masking
 * ordinary text (secrets.ts). Photoroom's keys are far longer: sent to another machine, such
 * a key is a mistake, refused before anything is sent. An emulator on this machine takes any
 * key: it is used, with a warning that it is not masked (none with --emulator, whose
 * emulator lives and dies with the run). Returns the warnings.
 */
export function checkKeyLength(run: RunSettings, useEmulator: boolean | undefined): string[] {
  if (useEmulator || !run.apiKey || isMaskable(run.apiKey)) return [];
  const { edit, segment, account } = endpointUrls(run);
  if (![edit, segment, account].every((url) => isLoopback(new URL(url).hostname))) {
    const sandbox = secretLength(run.apiKey) < run.apiKey.length ? ' besides its public sandbox_ prefix' : '';
    throw new StartUpError(
      `the API key is ${secretLength(run.apiKey)} characters long${sandbox}: Photoroom's keys are far longer, and one shorter than ${MASKED_RUN} ` +
        'cannot be masked in output; check PHOTOROOM_API_KEY (or apiKey in .photoroomrc, or --api-key)',
    );
  }
  return [
    `the API key is shorter than ${MASKED_RUN} characters, too short to mask: it is shown as is wherever it appears (fine for an emulator)`,
  ];
}

/** Optional model-version headers the API documents, from the run options that name one. */
export function clientHeaders(run: RunSettings): Record<string, string> {
  return Object.fromEntries(Object.entries(requestHeaders(run)).map(([name, { value }]) => [name, value]));
}

export interface ApiTarget {
  run: RunSettings;
  close(): Promise<void>;
}

/** The key every in-process emulator accepts, used when the user gave none. */
const EMULATOR_KEY = 'emulator';

/** Where `photoroom emulator --port 8787` listens: a dry run's curl commands go there. */
const STANDING_EMULATOR_URL = 'http://127.0.0.1:8787';

/** Printed beside a dry run's curl commands with `--emulator`: no emulator outlives the run. */
export const DRY_RUN_EMULATOR_NOTE =
  `these commands go to an emulator at ${STANDING_EMULATOR_URL}, and none was started for this dry run: ` +
  'start one with `photoroom emulator --port 8787` and set PHOTOROOM_API_KEY to any value to run them';

/**
 * Where the requests go. With `--emulator`, starts an emulator on an ephemeral loopback port
 * for this run and points every endpoint at it; a dry run sends nothing, so its commands
 * point at an emulator the user can start on a known port.
 */
export async function apiTarget(run: RunSettings, useEmulator: boolean | undefined): Promise<ApiTarget> {
  if (!useEmulator) return { run, close: async () => {} };
  if (run.baseUrl || run.segmentUrl) {
    throw new UserError(
      '--emulator starts its own local server: leave out --base-url/--segment-url (and PHOTOROOM_BASE_URL)',
    );
  }
  if (run.dryRun) return { run: { ...run, baseUrl: STANDING_EMULATOR_URL }, close: async () => {} };
  const { startEmulator } = await import('../../emulator/server.js');
  const emulator = await startEmulator();
  return {
    run: { ...run, baseUrl: emulator.url, apiKey: run.apiKey ?? EMULATOR_KEY },
    close: () => emulator.close(),
  };
}
