/**
 * `photoroom emulator ...` run in this process by `main`, as a user starts it: it serves until
 * the test stops it, as Ctrl-C would, then prints its counts on stderr.
 */
import { main } from '../../src/cli/main.js';
import { memoryIo } from './memory-io.js';

export interface EmulatorCommand {
  /** Where it listens, as it printed. */
  url: string;
  /** Stops it as a signal would: its exit code and what it printed on stderr. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/** Starts the emulator command with `flags` (`--port 0` is added), once it listens. */
export async function startEmulatorCommand(flags: readonly string[], cwd: string): Promise<EmulatorCommand> {
  const io = memoryIo({ cwd });
  let signal = (): void => {};
  let listens = (): void => {};
  const listening = new Promise<void>((resolve) => (listens = resolve));
  // The command waits for a signal once it listens.
  const onSignal = (_signals: unknown, handler: () => void) => {
    signal = handler;
    listens();
    return () => {};
  };
  const code = main(['emulator', '--port', '0', ...flags], { ...io, onSignal });
  await Promise.race([
    listening,
    code.then(() => Promise.reject(new Error(`the emulator did not start: ${io.err()}`))),
  ]);
  const url = /^listening on (\S+)\n$/.exec(io.out())?.[1];
  if (!url) throw new Error(`the emulator printed no address: ${io.out()}`);
  return {
    url,
    async stop() {
      signal();
      return { code: await code, stderr: io.err() };
    },
  };
}
