/**
 * What the in-process runs (test/support/in-process.ts) give the tests that use them: a run's
 * signal handlers are recorded, can be fired, and are released when it ends. That the output
 * matches a spawned run's is smoke.test.ts's to show.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { startInProcess, type RunningCli } from '../support/in-process.js';
import { listenOnLoopback, tempDir } from './harness.js';

describe('an in-process run', () => {
  it('listens to Ctrl-C while its batch runs, stops on it with exit 130, and lets go when it ends', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#406080' } })
      .png()
      .toBuffer();
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    for (let i = 0; i < 6; i++) await writeFile(path.join(root, 'in', `p${i}.png`), png);
    // The server presses Ctrl-C while the first image is in flight, then answers it.
    let running: RunningCli | undefined;
    const heard: string[][] = [];
    let requests = 0;
    const server = await listenOnLoopback(
      createServer((request, response) => {
        requests++;
        request.resume();
        request.on('end', () => {
          heard.push(running!.listening());
          running!.signal('SIGINT');
          response.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
        });
      }),
    );
    try {
      running = startInProcess(['edit', 'in', '-o', 'out', '--yes', '--concurrency', '1', '--json'], {
        cwd: root,
        env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_in_process' },
      });
      const { code, stdout } = await running.done;
      expect(heard).toEqual([['SIGINT']]);
      expect(requests).toBe(1);
      expect(code).toBe(130);
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
        ok: 1,
        notProcessed: 5,
        stopped: 'interrupted',
      });
      expect(running.listening()).toEqual([]);
      expect(running.signal('SIGINT')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
