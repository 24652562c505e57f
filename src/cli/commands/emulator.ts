/** `photoroom emulator`: run the local Photoroom-compatible server until Ctrl-C. */
import { Command } from 'commander';
import { parseCount, parseFaultFlags, type FaultFlagText } from '../../emulator/faults.js';
import { helpWidth } from '../help.js';
import type { Io } from '../io.js';
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
    .addHelpText('after', wrapProse(HELP, helpWidth(io.stdout)))
    .action(async (flags: EmulatorFlags) => {
      const faults = parseFaultFlags(flags);
      const port = parseCount(flags.port, '--port');
      const { startEmulator } = await import('../../emulator/server.js');
      const emulator = await startEmulator({
        ...faults,
        host: flags.host,
        port,
        apiKey: flags.apiKey,
        echo: flags.echo,
        onRequest: flags.verbose ? (line) => io.stderr.write(`${line}\n`) : undefined,
      });
      io.stdout.write(`listening on ${emulator.url}\n`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        io.stderr.write(`warning: listening on ${flags.host}: other machines can reach this emulator\n`);
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
