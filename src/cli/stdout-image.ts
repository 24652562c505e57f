/**
 * `-o -`: the finished image, copied to standard output. It counts as delivered only once
 * the stream took every chunk (each write's callback without error): a full disk behind
 * `> file`, a reader gone (`| head -c 10`) or a closed descriptor fail the input instead of
 * letting it be reported ok.
 */
import { createReadStream } from 'node:fs';
import { errorCode, faultReason, LocalFault } from '../errors.js';

/** How a refused write to standard output is said: the reader going away is not a fault of the stream. */
function stdoutRefusal(error: unknown): string {
  return errorCode(error) === 'EPIPE'
    ? 'standard output was closed before it took the whole image (EPIPE)'
    : `standard output refused the image: ${faultReason(error)}`;
}

function written(stream: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      stream.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve()));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** The engine's `deliver` for `-o -`: throws a LocalFault naming what standard output refused. */
export function deliverTo(stdout: NodeJS.WritableStream): (file: string) => Promise<void> {
  return async (file) => {
    try {
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
        await written(stdout, chunk).catch((error: unknown) =>
          Promise.reject(new LocalFault(stdoutRefusal(error), { code: errorCode(error) })),
        );
      }
    } catch (error) {
      throw error instanceof LocalFault
        ? error
        : new LocalFault(`cannot read ${file}: ${faultReason(error)}`, { code: errorCode(error) });
    }
  };
}
