/**
 * An option given twice silently takes the last: the class, through `main(argv, io)` in-process
 * against a local server that counts what reaches it. Every option that takes a value is given
 * once; a repeat is a usage error (exit 2) before anything is sent, naming the option.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../support/memory-io.js';

let server: Server;
let requests = 0;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  work = await mkdtemp(path.join(tmpdir(), 'photoroom-once-'));
  await writeFile(
    path.join(work, 'shoe.png'),
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
      .png()
      .toBuffer(),
  );
  env = { PHOTOROOM_API_KEY: 'test_key_for_repeats', PHOTOROOM_BASE_URL: `http://127.0.0.1:${port}` };
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(argv: string[], extraEnv: Record<string, string> = {}) {
  const before = requests;
  const io = memoryIo({ env: { ...env, ...extraEnv }, cwd: work });
  const code = await main(argv, io);
  return { code, stderr: io.err(), stdout: io.out(), sent: requests - before };
}

describe('an option given twice silently takes the last', () => {
  const cases: [string, string[], string][] = [
    [
      '--shard',
      ['edit', 'shoe.png', '--yes', '--shard', '1/3', '--shard', '2/3'],
      '--shard is given 2 times ("1/3", "2/3"); give it once',
    ],
    [
      '--shard, once with =',
      ['edit', 'shoe.png', '--yes', '--shard=1/1', '--shard', '1/1'],
      '--shard is given 2 times ("1/1", "1/1"); give it once',
    ],
    [
      '--shards',
      ['edit', 'shoe.png', '--yes', '--shards', '2', '--shards', '3'],
      '--shards is given 2 times ("2", "3"); give it once',
    ],
    [
      '-o and --out, joined and apart',
      ['segment', 'shoe.png', '--yes', '-oa', '--out', 'b', '-o', 'c'],
      '-o/--out is given 3 times ("a", "b", "c"); give it once',
    ],
    [
      '--concurrency',
      ['edit', 'shoe.png', '--yes', '--concurrency', '2', '--concurrency=3'],
      '--concurrency is given 2 times ("2", "3"); give it once',
    ],
    [
      '--config',
      ['edit', 'shoe.png', '--yes', '--config', 'a.yml', '--config', 'b.yml'],
      '--config is given 2 times ("a.yml", "b.yml"); give it once',
    ],
    [
      'an account option',
      ['account', '--timeout', '5', '--timeout', '9'],
      '--timeout is given 2 times ("5", "9"); give it once',
    ],
    [
      'a params option',
      ['params', '--endpoint', 'edit', '--endpoint', 'segment'],
      '--endpoint is given 2 times ("edit", "segment"); give it once',
    ],
    [
      'a report option',
      ['report', '.', '--state-dir', 'a', '--state-dir', 'b'],
      '--state-dir is given 2 times ("a", "b"); give it once',
    ],
    [
      'an emulator option',
      ['emulator', '--seed', '1', '--seed', '2', '--port', 'none'],
      '--seed is given 2 times ("1", "2"); give it once',
    ],
  ];
  for (const [title, argv, message] of cases) {
    it(`refuses ${title} given twice, before anything is sent`, async () => {
      const { code, stderr, stdout, sent } = await run(argv);
      expect(stderr).toContain(`photoroom: ${message}\n`);
      expect(code).toBe(2);
      expect(sent).toBe(0);
      expect(stdout).toBe('');
    });
  }

  it('keeps every value of a repeatable option, and refuses a parameter twice by its own rule', async () => {
    const listed = await run([
      'edit',
      'shoe.png',
      '--dry-run',
      '--include',
      '*.png',
      '--include',
      '*.jpg',
      '--exclude',
      'a',
      '--exclude',
      'b',
    ]);
    expect(listed.stderr).not.toContain('given');
    expect(listed.code).toBe(0);
    const twice = await run(['edit', 'shoe.png', '--padding', '0.1', '--padding', '0.2']);
    expect(twice.stderr).toContain('--padding "0.1" and --padding "0.2" both set padding; give it once');
    expect(twice.stderr).not.toContain('given 2 times');
  });
});

describe('shard options through the command line', () => {
  it('take the flag over the environment, naming the flag the user typed', async () => {
    const { code, stderr, sent } = await run(['edit', 'shoe.png', '--yes', '--shards', '3'], {
      PHOTOROOM_SHARD: '1/3',
    });
    expect(stderr).toContain('photoroom: --shards 3 takes the shard from JOB_COMPLETION_INDEX, which is not set');
    expect(stderr).not.toContain('--shard and');
    expect([code, sent]).toEqual([2, 0]);
  });

  it('refuse --shard and --shards together, and a shard in any other form than I/N', async () => {
    const both = await run(['edit', 'shoe.png', '--yes', '--shards', '3', '--shard', '1/3'], {
      JOB_COMPLETION_INDEX: '0',
    });
    expect(both.stderr).toContain('photoroom: --shard "1/3" and --shards "3" both choose the shard; give one\n');
    for (const text of [' 1/3', '1 / 3', '01/3']) {
      const { code, stderr, sent } = await run(['edit', 'shoe.png', '--yes', '--shard', text]);
      expect(stderr).toContain(`photoroom: --shard: invalid value ${JSON.stringify(text)}; expected I/N`);
      expect([code, sent]).toEqual([2, 0]);
    }
  });
});
