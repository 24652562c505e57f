/**
 * The run log's writer: lines appended at once (as a batch's results arrive together) land
 * whole and in order, a torn last line is cut before appending, and the key never lands.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/secrets.js';
import { openRunLog } from '../../src/store/runlog.js';

async function logFile(content?: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'photoroom-runlog-')), 'photoroom-run.jsonl');
  if (content !== undefined) await writeFile(file, content);
  return file;
}

describe('the run log', () => {
  it('writes lines appended together whole and in the order appended', async () => {
    const file = await logFile();
    const log = await openRunLog(file, new Redactor());
    const appended = Array.from({ length: 500 }, (_, i) => log.append({ input: `in/${i}.png`, status: 'ok' }));
    await Promise.all(appended);
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => (JSON.parse(line) as { input: string }).input)).toEqual(
      appended.map((_, i) => `in/${i}.png`),
    );
    expect(log.failure).toBeNull();
  });

  it('cuts a torn last line before appending', async () => {
    const file = await logFile('{"input":"a.png","status":"ok"}\n{"input":"b.pn');
    const log = await openRunLog(file, new Redactor());
    await log.append({ input: 'c.png', status: 'ok' });
    await log.close();
    expect(await readFile(file, 'utf8')).toBe('{"input":"a.png","status":"ok"}\n{"input":"c.png","status":"ok"}\n');
  });

  it('masks the key in every line', async () => {
    const redactor = new Redactor();
    redactor.register('sk_live_runlogsecret123');
    const file = await logFile();
    const log = await openRunLog(file, redactor);
    void log.append({ input: 'a.png', error: 'server said: key sk_live_runlogsecret123 refused' });
    await log.close();
    expect(await readFile(file, 'utf8')).not.toContain('runlogsecret');
  });
});
