/**
 * Stoplight Prism mocking the contract on a free loopback port, with `--errors`: a request
 * that violates the contract is answered 4xx/422 with an `sl-violations` header instead of a
 * lenient mock. One merged document, so one Prism serves every endpoint at one origin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contract, type OpenApiDocument } from './seed.js';

const PRISM = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
const LISTENING = /Prism is listening on (http:\/\/\S+)/;

export interface RunningPrism {
  url: string;
  stop(): Promise<void>;
}

/** Resolves with Prism's origin once it says it is listening; rejects if it exits first. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (!match) return;
      // From now on Prism logs every request: drained, not kept.
      child.stdout?.off('data', read).resume();
      child.stderr?.off('data', read).resume();
      resolve(match[1]!);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${output}`)));
  });
}

/** Prism mocking `document`: by default the seed's four documents as one. */
export async function startPrism(document: OpenApiDocument = contract()): Promise<RunningPrism> {
  const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-prism-'));
  const file = path.join(folder, 'photoroom-api.json');
  await writeFile(file, JSON.stringify(document));
  const child = spawn(process.execPath, [PRISM, 'mock', file, '--errors', '--host', '127.0.0.1', '--port', '0'], {
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill();
    await exited;
    await rm(folder, { recursive: true, force: true });
  };
  try {
    return { url: await listening(child), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
