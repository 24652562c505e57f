import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { isMaskable, MASKED_RUN, Redactor } from '../../src/secrets.js';
import { resolveCommandSettings } from '../../src/config/settings.js';
import { FOREIGN_TEMPORARY_MAX_AGE_MS, removeStaleTemporaryFiles } from '../../src/store/cleanup.js';
import { hostTag, TEMP_PREFIX, temporaryPathFor } from '../../src/store/outputs.js';
import { processHost } from '../../src/cli/io.js';
import { memoryIo } from '../support/memory-io.js';

describe('redaction that breaks things, and a partial leak', () => {
  const KEY = 'sk_live_abc/def+1234"\\xyz';
  /** A redactor that knows `keys`: each test has its own, as each run has. */
  function redactorOf(...keys: string[]): (text: string) => string {
    const redactor = new Redactor();
    for (const key of keys) redactor.register(key);
    return redactor.redact;
  }

  it('masks the key whole, URL-encoded and JSON-escaped', () => {
    const redact = redactorOf(KEY);
    expect(redact(`key=${KEY} and ${encodeURIComponent(KEY)}`)).toBe('key=*** and ***');
    expect(redact(JSON.stringify({ echoed: KEY }))).toBe('{"echoed":"***"}');
    expect(redact(`k=${new URLSearchParams({ k: KEY }).toString().slice(2)}`)).toBe('k=***');
  });

  it(`masks any run of ${MASKED_RUN} or more consecutive characters of the key, in each form, and nothing shorter`, () => {
    const redact = redactorOf(KEY);
    expect(redact(`quoted ${KEY.slice(0, MASKED_RUN)}... of it`)).toBe('quoted ***... of it');
    expect(redact(`tail ${KEY.slice(-MASKED_RUN)}.`)).toBe('tail ***.');
    expect(redact(`middle <${KEY.slice(5, 19)}>`)).toBe('middle <***>');
    expect(redact(`encoded ${encodeURIComponent(KEY).slice(3, 14)}!`)).toBe('encoded ***!');
    expect(redact(`escaped ${JSON.stringify(KEY).slice(15, 25)}`)).toBe('escaped ***');
    // Two quotes side by side are one mask; a run one character short is ordinary text.
    expect(redact(`${KEY.slice(0, 9)}${KEY.slice(0, 9)} ${KEY.slice(0, MASKED_RUN - 1)}`)).toBe(
      `*** ${KEY.slice(0, MASKED_RUN - 1)}`,
    );
  });

  it('counts no run of the public prefix sandbox_ as the key', () => {
    const redact = redactorOf('sandbox_0123456789abcdef');
    expect(redact('sandbox keys start with sandbox_; this one is sandbox_0123456789abcdef')).toBe(
      'sandbox keys start with sandbox_; this one is sandbox_***',
    );
    expect(isMaskable('sandbox_1234567')).toBe(false);
  });

  it(`leaves text alone for a key shorter than ${MASKED_RUN} characters, which cannot be masked`, () => {
    const keys = ['x', 'e', '0', 'test', 'short1'];
    for (const key of keys) expect(isMaskable(key)).toBe(false);
    const redact = redactorOf(...keys);
    expect(redact('content-type: image/png; 10 ok, 0 failed; test/x0.png')).toBe(
      'content-type: image/png; 10 ok, 0 failed; test/x0.png',
    );
  });
});

describe('removing temporary files of killed runs', () => {
  /** A run's process as cleanup sees it: pid 4242 on build-1, where 4343 runs too and nothing else does. */
  const HOST = { hostname: 'build-1', pid: 4242, isRunning: (pid: number) => pid === 4343 };

  it('removes those whose writer is gone, keeps those of a live writer and its own, recursively', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-stale-'));
    await mkdir(path.join(folder, 'nested'));
    const dead = path.join(folder, 'nested', `${TEMP_PREFIX}a.png.999999999-deadbeef`);
    const live = path.join(folder, `${TEMP_PREFIX}b.png.4343-cafe0123`);
    const own = temporaryPathFor(path.join(folder, 'e.png'), HOST);
    const output = path.join(folder, 'a.png');
    for (const file of [dead, live, own, output]) await writeFile(file, 'x');
    expect(await removeStaleTemporaryFiles(folder, HOST)).toBe(1);
    expect([existsSync(dead), existsSync(live), existsSync(own), existsSync(output)]).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it("names this machine in temporary names, and leaves another machine's alone until it has long been idle", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-stale-'));
    // A shard in another pod, writing to the same volume: its pid means nothing here.
    const foreign = path.join(folder, `${TEMP_PREFIX}c.png.${hostTag('pod-2')}.1-1`);
    const ours = temporaryPathFor(path.join(folder, 'd.png'), HOST);
    expect(path.basename(ours)).toMatch(
      new RegExp(`^\\.photoroom-tmp-d\\.png\\.${hostTag('build-1')}\\.4242-[0-9a-f]+$`),
    );
    for (const file of [foreign, ours]) await writeFile(file, 'x');
    expect(await removeStaleTemporaryFiles(folder, HOST)).toBe(0);
    expect(await removeStaleTemporaryFiles(folder, HOST, Date.now() + FOREIGN_TEMPORARY_MAX_AGE_MS + 60_000)).toBe(1);
    expect([existsSync(foreign), existsSync(ours)]).toEqual([false, true]);
  });

  it("tells, for the CLI's process, a running pid from a gone one", () => {
    const host = processHost();
    expect([host.pid, host.hostname]).toEqual([process.pid, hostname()]);
    expect(host.isRunning(process.ppid)).toBe(true);
    expect(host.isRunning(2 ** 22 + 1)).toBe(false); // above Linux's pid_max
  });

  it('treats a missing folder as clean', async () => {
    expect(await removeStaleTemporaryFiles(path.join(tmpdir(), 'photoroom-no-such-folder'), HOST)).toBe(0);
  });
});

describe('where the key may travel', () => {
  const settings = (flags: Record<string, unknown>, cwd = tmpdir()) =>
    resolveCommandSettings({ command: 'account', flags, flagParams: [], env: {}, cwd, contexts: [] }, null);

  it('refuses plain http to another machine', async () => {
    await expect(settings({ baseUrl: 'http://api.example.com' })).rejects.toThrow(
      '--base-url http://api.example.com: plain http to another machine would send the API key unencrypted',
    );
  });

  it('names where the URL was given: an environment variable, not a flag never typed', async () => {
    const fromEnv = resolveCommandSettings(
      {
        command: 'account',
        flags: {},
        flagParams: [],
        env: { PHOTOROOM_BASE_URL: 'http://10.0.0.1' },
        cwd: tmpdir(),
        contexts: [],
      },
      null,
    );
    await expect(fromEnv).rejects.toThrow(
      'PHOTOROOM_BASE_URL http://10.0.0.1: plain http to another machine would send the API key unencrypted',
    );
  });

  it('allows https, loopback http, and http with --allow-insecure-http', async () => {
    for (const baseUrl of [
      'https://api.example.com',
      'http://127.0.0.1:8787',
      'http://localhost:1',
      'http://[::1]:9',
    ]) {
      await expect(settings({ baseUrl })).resolves.toBeDefined();
    }
    await expect(settings({ baseUrl: 'http://10.0.0.5', allowInsecureHttp: true })).resolves.toBeDefined();
  });

  it('warns when a config file holding the key is readable by others', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-perm-'));
    const file = path.join(folder, '.photoroomrc');
    await writeFile(file, 'apiKey: sk_test_123456789\n');
    await chmod(file, 0o644);
    expect((await settings({}, folder)).warnings).toEqual([
      `${file} holds the API key and other users can read it (mode 644): chmod 600 it, or use PHOTOROOM_API_KEY`,
    ]);
    await chmod(file, 0o600);
    expect((await settings({}, folder)).warnings).toEqual([]);
  });
});

describe('a key too short to mask, refused before it leaves this machine', () => {
  it('counts the characters that are secret: a public sandbox_ prefix is not', async () => {
    const io = memoryIo({ env: { PHOTOROOM_API_KEY: 'sandbox_abc' }, cwd: tmpdir() });
    expect(await main(['account'], io)).toBe(2);
    expect(io.err()).toContain(
      "photoroom: the API key is 3 characters long besides its public sandbox_ prefix: Photoroom's keys are far longer",
    );
  });
});
