/** `photoroom emulator`: run the local Photoroom-compatible server until Ctrl-C. */
import { Command } from 'commander';
import { errorCode, StartUpError } from '../../errors.js';
import { parseCount, parseFaultFlags, type FaultFlagText } from '../../emulator/faults.js';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/server.js';
import { helpWidth } from '../help.js';
import type { Io } from '../io.js';
import { escapeControls } from '../terminal.js';
import { wrapProse } from '../text.js';

interface EmulatorFlags extends FaultFlagText {
  host: string;
  port: string;
  apiKey?: string;
  echo?: boolean;
  verbose?: boolean;
}

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
  photoroom emulator --credits 10 --api-key sk_test # 402 after 10 images
  photoroom emulator --echo --latency 100           # answers the upload as is`;

const HIGHEST_PORT = 65_535;

function parsePort(text: string): number {
  const port = parseCount(text, '--port');
  if (port > HIGHEST_PORT) throw new StartUpError(`--port ${text}: a port is a number from 1 to ${HIGHEST_PORT} (0: any free port)`);
  return port;
}

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

export function emulatorCommand(io: Io): Command {
  return new Command('emulator')
    .description('run a local Photoroom-compatible API server (real images, fault injection)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '0')
    .option('--seed <n>', 'seed of every random decision (default 1)')
    .option('--latency <ms>', 'delay before each answer: MS or MIN-MAX (uniform)')
    .option('--fail-rate <p>', 'share of requests answered 500, 502 or 503 (0 to 1)')
    .option('--reset-rate <p>', 'share of requests whose connection is dropped mid-response (0 to 1)')
    .option('--rate-limit <n>', 'at most N requests a minute (or N/10s, N/5m); 429 with Retry-After beyond')
    .option('--credits <n>', 'answer 402 once N billable calls have succeeded')
    .option('--api-key <key>', 'accept only this key (default: any non-empty key)')
    .option('--echo', 'skip rendering: answer the uploaded bytes (throughput benchmarks)')
    .option('--verbose', 'log one line per request on stderr')
    .addHelpText('after', () => wrapProse(HELP, helpWidth(io.stdout)))
    .action(async (flags: EmulatorFlags) => {
      const faults = parseFaultFlags(flags);
      const port = parsePort(flags.port);
      const emulator = await listen({
        ...faults,
        host: flags.host,
        port,
        apiKey: flags.apiKey,
        echo: flags.echo,
        onRequest: flags.verbose ? (line) => io.stderr.write(`${escapeControls(line)}\n`) : undefined,
      });
      io.stdout.write(`listening on ${emulator.url}\n`);
      const { STAND_IN_NOTICE } = await import('../../emulator/server.js');
      io.stderr.write(`${STAND_IN_NOTICE}\n`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        io.stderr.write(`warning: listening on ${escapeControls(flags.host)}: other machines can reach this emulator\n`);
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
