/** `photoroom emulator`: run the local Photoroom-compatible server until Ctrl-C. */
import type { Command } from 'commander';
import { errorCode, StartUpError } from '../../errors.js';
import { faultOptionProblems } from '../../emulator/faults.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/server.js';
import { addFlagTable } from '../flag-table.js';
import { proseAfterHelp } from '../help.js';
import type { Io } from '../io.js';
import { escapeControls } from '../terminal.js';
import { EMULATOR_OPTIONS, type EmulatorFlags } from './emulator-options.js';

const HELP = `
Serves POST/GET /v2/edit, POST /v1/segment and GET /v2/account like the real API: same
parameters and validation, same error bodies, 403 without an x-api-key header. Images are
really rendered (sharp): a cutout keyed from the image border (not Photoroom's model),
layout, backgrounds, export formats, and deterministic stand-ins for the AI features.

Faults are drawn from one seeded generator, so a run is reproducible with the same --seed
and the same order of requests.

Examples:
  photoroom emulator --port 8787
  export PHOTOROOM_BASE_URL=http://127.0.0.1:8787 PHOTOROOM_API_KEY=any
  photoroom edit shoe.jpg                           # sent to the emulator
  photoroom emulator --latency 100-300 --fail-rate 0.3 --rate-limit 120
  photoroom emulator --rate-limit 50/5s --no-retry-after # bare 429s
  photoroom emulator --credits 10 --api-key sk_test # 402 after 10 images
  photoroom emulator --echo --latency 100           # answers the upload as is`;

/** Why a server could not listen, and what to do about it. */
const LISTEN_FAULTS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use (another emulator?): choose another --port, or --port 0 for any free one',
  EACCES: 'no permission to listen on this port (below 1024 needs privileges): choose a port above 1023',
  EADDRNOTAVAIL: 'this machine has no such address: leave --host out to listen on 127.0.0.1',
  ENOTFOUND: 'no such host: leave --host out to listen on 127.0.0.1',
};

async function listen(options: EmulatorOptions & { host: string; port: number }): Promise<RunningEmulator> {
  const { startEmulator } = await import('../../emulator/server.js');
  try {
    return await startEmulator(options);
  } catch (error) {
    const fault = LISTEN_FAULTS[errorCode(error) ?? ''];
    if (fault) throw new StartUpError(`cannot listen on ${options.host}:${options.port}: ${fault}`);
    throw error;
  }
}

/** The emulator's options from its flags, every flag that cannot be read refused at once (exit 2). */
function emulatorOptions(
  flags: Partial<EmulatorFlags>,
  problems: readonly string[],
  io: Io,
): EmulatorOptions & { host: string; port: number } {
  const { rateLimit, noRetryAfter, verbose, ...rest } = flags;
  const options = {
    ...rest,
    ...(noRetryAfter && { retryAfter: false }),
    host: flags.host ?? EMULATOR_OPTIONS.host.default,
    port: flags.port ?? EMULATOR_OPTIONS.port.default,
    seed: flags.seed ?? EMULATOR_OPTIONS.seed.default,
    ...(rateLimit && { rateLimit: rateLimit.limit, rateWindowMs: rateLimit.windowMs }),
    onRequest: verbose ? (line: string) => io.stderr.write(`${escapeControls(line)}\n`) : undefined,
  };
  // Flags read one by one may still not fit together (--fail-rate and --reset-rate above 1).
  const unpaired = noRetryAfter && !rateLimit ? ['--no-retry-after changes the 429s of --rate-limit: give both'] : [];
  const all = problems.length > 0 ? problems : [...faultOptionProblems(options), ...unpaired];
  if (all.length > 0) throw new StartUpError(all);
  return options;
}

export function defineEmulator(command: Command, io: Io): void {
  command.addHelpText('after', proseAfterHelp(HELP, io.stdout));
  const readFlags = addFlagTable<EmulatorFlags>(command, EMULATOR_OPTIONS);
  command.action(async () => {
    const { values, problems } = readFlags();
    const options = emulatorOptions(values, problems, io);
    const emulator = await listen(options);
    io.stdout.write(`listening on ${emulator.url}\n`);
    const { STAND_IN_NOTICE } = await import('../../emulator/server.js');
    io.stderr.write(`${STAND_IN_NOTICE}\n`);
    if (!['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
      io.stderr.write(
        `warning: listening on ${escapeControls(options.host)}: other machines can reach this emulator\n`,
      );
    }
    await new Promise<void>((resolve) => {
      const release = io.onSignal(['SIGINT', 'SIGTERM'], () => {
        release();
        resolve();
      });
    });
    await emulator.close();
    const stats = emulator.stats();
    io.stderr.write(
      `emulator stopped: ${stats.requests} requests, ${stats.succeeded} succeeded, ${stats.failed} failed, ` +
        `${stats.resets} reset, ${stats.rateLimited} rate-limited, ${stats.noCredits} without credits\n`,
    );
  });
}
