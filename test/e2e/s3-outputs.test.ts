/**
 * `-o s3://bucket/prefix/`: outputs and sidecars as objects in a real S3-compatible server
 * (s3rver behind a recording proxy), the CLI run in-process against the emulator. Inputs are
 * local folders here (s3:// inputs are tested with the input side).
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { LocalFault } from '../../src/errors.js';
import { Redactor } from '../../src/secrets.js';
import { BucketResults, STAGING_FOLDER } from '../../src/store/bucket.js';
import { hostTag } from '../../src/store/outputs.js';
import { TEMP_PREFIX } from '../../src/store/temporary.js';
import { ObjectStorage } from '../../src/storage/storage.js';
import { emulatorEnv, FIXTURES, recordingEmulator, tempDir } from './harness.js';
import { runInProcess } from '../support/in-process.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';

let s3: S3TestServer;
let emulator: RunningEmulator;
let root: string;
/**
 * This file's own temporary folder (TMPDIR of its runs): the staging folder in the run's shared
 * one is swept by any other worker's run, which could remove the stale file a test plants.
 */
let temporary: string;
const SESSION_TOKEN = 'session-token-never-shown-8f3a';
let env: Record<string, string>;

beforeAll(async () => {
  [s3, emulator, root, temporary] = await Promise.all([
    startS3Server(),
    recordingEmulator(),
    tempDir('photoroom-s3out-'),
    tempDir('photoroom-s3out-tmp-'),
  ]);
  await s3.createBucket('outs');
  await mkdir(path.join(root, 'products/shelf'), { recursive: true });
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'products/mug.jpg'));
  await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'products/shelf/bottle.png'));
  env = {
    ...emulatorEnv(emulator),
    ...s3.env,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_MAX_ATTEMPTS: '1',
    TMPDIR: temporary,
  };
});
afterAll(async () => {
  await Promise.all([s3.close(), emulator.close()]);
});

/** The staged files in this file's temporary folder. */
async function stagedFiles(): Promise<string[]> {
  return (await readdir(path.join(temporary, STAGING_FOLDER)).catch(() => [] as string[])).filter((name) =>
    name.startsWith(TEMP_PREFIX),
  );
}

function run(args: string[], extra: Record<string, string> = {}) {
  return runInProcess(['edit', ...args, '--yes', '--no-progress'], { cwd: root, env: { ...env, ...extra } });
}

describe('-o s3://bucket/prefix/', () => {
  it('uploads the outputs a local run writes, with sidecars (the verdict included) and one run log object; a rerun sends and downloads nothing', async () => {
    const local = await run(['products', '-o', 'local', '--preset', 'amazon']);
    expect(local.code).toBe(0);
    const staged = await stagedFiles();
    const sent = emulator.requests.length;
    const first = await run(['products', '-o', 's3://outs/run1/', '--preset', 'amazon', '--json']);
    expect(first.stderr).toMatch(
      /^photoroom: the run log is kept in \S+photoroom\/buckets\/outs_run1-[0-9a-f]{16} and uploaded to s3:\/\/outs\/run1\/photoroom-runs\/ when the run ends/,
    );
    expect(first.code).toBe(0);
    expect(emulator.requests.length - sent).toBe(2);
    const images = (await readdir(path.join(root, 'local'), { recursive: true })).filter((name) =>
      /\.(png|jpg|webp)$/.test(name),
    );
    expect(images).toHaveLength(2);
    const outputs = images.map((name) => `run1/${name}`);
    for (const key of outputs) {
      const relative = key.slice('run1/'.length);
      expect((await s3.get('outs', key)).equals(await readFile(path.join(root, 'local', relative)))).toBe(true);
      const sidecar = JSON.parse((await s3.get('outs', `${key}.json`)).toString()) as {
        compliance?: { preset?: string };
      };
      expect(sidecar.compliance).toMatchObject({ preset: 'amazon' });
    }
    const logs = await s3.keys('outs', 'run1/photoroom-runs/');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^run1\/photoroom-runs\/\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z-all-[0-9a-f]{8}-\d+\.jsonl$/);
    const logLines = (await s3.get('outs', logs[0]!)).toString().trim().split('\n');
    expect(logLines.map((line) => (JSON.parse(line) as { status: string }).status)).toEqual(['ok', 'ok']);
    // The staged copies went once their checks and sidecars were done.
    expect(await stagedFiles()).toEqual(staged);

    const fromRequest = s3.requests.length;
    const again = await run(['products', '-o', 's3://outs/run1', '--preset', 'amazon', '--json']);
    expect(again.code).toBe(0);
    expect(emulator.requests.length - sent).toBe(2);
    expect(again.stdout).toContain('"skipped":2');
    const reads = s3.objectReads(fromRequest).map((request) => request.key);
    // Only sidecars (each read by resume, then for its recorded verdict): no image.
    expect([...new Set(reads)].sort()).toEqual(outputs.map((key) => `${key}.json`).sort());
    expect(await s3.keys('outs', 'run1/photoroom-runs/')).toHaveLength(2);

    // Neither credential shows anywhere: output, sidecars, the run log here or in the bucket.
    const stored = await Promise.all(
      (await s3.keys('outs', 'run1/'))
        .filter((key) => !/\.(png|jpg|webp)$/.test(key))
        .map((key) => s3.get('outs', key)),
    );
    for (const text of [first.stdout, first.stderr, again.stdout, again.stderr, ...stored.map(String)]) {
      expect(text).not.toContain('S3RVER');
      expect(text).not.toContain(SESSION_TOKEN);
    }
  });

  it('removes what a killed run left staged, and keeps what a live writer is staging', async () => {
    const staging = path.join(temporary, STAGING_FOLDER);
    await mkdir(staging, { recursive: true });
    // A dead process of this machine (pid 2^22 + 1 is above Linux's pid_max), and a live one: the
    // test runner's, not this worker's, whose in-process runs name their own files by its pid and
    // a count kept across this worker's files, so that one of them could reach this very name.
    const dead = path.join(staging, `.photoroom-tmp-mug.png.${hostTag(hostname())}.4194305-1`);
    const live = path.join(staging, `.photoroom-tmp-mug.png.${hostTag(hostname())}.${process.ppid}-ff`);
    await Promise.all([writeFile(dead, 'half an answer'), writeFile(live, 'being written')]);
    try {
      const result = await run(['products/mug.jpg', '-o', 's3://outs/swept', '--json']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('removed 1 temporary file left by an interrupted run');
      await expect(readFile(dead)).rejects.toThrow();
      expect(await readFile(live, 'utf8')).toBe('being written');
    } finally {
      await rm(live, { force: true });
    }
  });

  it('keeps the run log in --state-dir, without the credentials', async () => {
    const result = await run(['products/mug.jpg', '-o', 's3://outs/logged', '--state-dir', 'state']);
    expect(result.code).toBe(0);
    const log = await readFile(path.join(root, 'state/photoroom-run.jsonl'), 'utf8');
    expect(log).toContain('"status":"ok"');
    expect(log).not.toContain('S3RVER');
    expect(log).not.toContain(SESSION_TOKEN);
    expect(await s3.keys('outs', 'logged/')).toEqual(expect.arrayContaining(['logged/mug.png', 'logged/mug.png.json']));
  });

  it('fails an input whose upload is denied, leaves no object, and stops the run; the SDK prints nothing of its own', async () => {
    s3.deny = (request) =>
      request.method === 'PUT' && request.key.startsWith('denied/') && request.key.endsWith('.png');
    // The SDK warns of a failed streaming request on the process's console, past the reporters and their redaction.
    const warned = vi.spyOn(console, 'warn');
    try {
      const result = await run(['products', '-o', 's3://outs/denied/', '--concurrency', '1', '--json']);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/cannot write s3:\/\/outs\/denied\/[^"]*\.png: access denied/);
      expect(result.stdout).toContain('every further result would be paid for and lost');
      expect(warned).not.toHaveBeenCalled();
    } finally {
      s3.deny = null;
      warned.mockRestore();
    }
    expect((await s3.keys('outs', 'denied/')).filter((key) => !key.includes('photoroom-runs/'))).toEqual([]);
  });

  it('uploads again an output the store refused once with 503 SlowDown: the paid answer is kept, not sent again', async () => {
    const sent = emulator.requests.length;
    let refused = 0;
    s3.fail = (request) =>
      request.method === 'PUT' && request.key === 'slow/mug.png' && refused++ === 0
        ? { status: 503, code: 'SlowDown' }
        : null;
    try {
      const result = await run(['products/mug.jpg', '-o', 's3://outs/slow/', '--json'], { AWS_MAX_ATTEMPTS: '2' });
      expect([result.code, result.stdout]).toEqual([0, expect.stringContaining('"ok":1')]);
    } finally {
      s3.fail = null;
    }
    expect(refused).toBe(2);
    expect(emulator.requests.length - sent).toBe(1);
    expect(await s3.keys('outs', 'slow/mug')).toEqual(['slow/mug.png', 'slow/mug.png.json']);
    expect(await stagedFiles()).toEqual([]);
  });

  it('stops the run when the store keeps failing on its side: no further answer is paid for and lost', async () => {
    const sent = emulator.requests.length;
    s3.fail = (request) =>
      request.method === 'PUT' && request.key.startsWith('down/') && request.key.endsWith('.png')
        ? { status: 503, code: 'ServiceUnavailable' }
        : null;
    try {
      const result = await run(['products', '-o', 's3://outs/down/', '--concurrency', '1', '--json']);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toMatch(/cannot write s3:\/\/outs\/down\/[^"]*\.png: the storage is failing on its side/);
      expect(result.stdout).toContain('every further result would be paid for and lost');
    } finally {
      s3.fail = null;
    }
    expect(emulator.requests.length - sent).toBe(1);
  });

  it('refuses before anything is sent: a missing bucket, denied writes, an endpoint that does not answer', async () => {
    const sent = emulator.requests.length;
    const missing = await run(['products', '-o', 's3://nowhere/out/']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^photoroom: -o s3:\/\/nowhere\/out\/: results cannot be written there: no such bucket at http/m,
    );
    s3.deny = (request) => request.method === 'PUT';
    try {
      const denied = await run(['products', '-o', 's3://outs/probe/']);
      expect(denied.code).toBe(2);
      expect(denied.stderr).toMatch(/results cannot be written there: access denied.*s3:PutObject/);
    } finally {
      s3.deny = null;
    }
    const unreachable = await run(['products', '-o', 's3://outs/x/'], { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/does not answer \(ECONNREFUSED\)/);
    expect(emulator.requests.length).toBe(sent);
    expect(await s3.keys('outs', 'probe/')).toEqual([]);
  });

  it('refuses --watch, --report and an output named like one image, each in one line', async () => {
    const watch = await run(['products', '-o', 's3://outs/w/', '--watch']);
    expect([watch.code, watch.stderr]).toEqual([2, expect.stringMatching(/--watch .* run without --watch/)]);
    const report = await run(['products', '-o', 's3://outs/r/', '--report']);
    expect([report.code, report.stderr]).toEqual([
      2,
      expect.stringMatching(/--report .*aws s3 sync s3:\/\/outs\/r\/ out/),
    ]);
    const named = await run(['products/mug.jpg', '-o', 's3://outs/mug.png']);
    expect([named.code, named.stderr]).toEqual([2, expect.stringMatching(/names one object.*-o s3:\/\/outs\//)]);
    const page = await runInProcess(['report', 's3://outs/run1/'], { cwd: root, env });
    expect([page.code, page.stderr.split('\n')[0]]).toEqual([
      2,
      expect.stringMatching(
        /^photoroom: s3:\/\/outs\/run1\/: the review page is made from a folder on this machine: .*aws s3 sync/,
      ),
    ]);
  });
});

describe('the bucket writer', () => {
  const large = Buffer.alloc(17 * 1024 * 1024, 7);
  /** The answer as it streams in: a megabyte at a time. */
  const chunks = () =>
    Readable.from(Array.from({ length: 17 }, (_, i) => large.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024)));
  const writer = async () => {
    const storage = await ObjectStorage.open({ env: s3.env, redactor: new Redactor() });
    const host = { tmpdir: temporary, hostname: 'test', pid: process.pid };
    return { storage, results: new BucketResults('s3://outs/big', () => Promise.resolve(storage), host) };
  };

  it('uploads a large answer in parts, keeping its staged copy until released', async () => {
    const { storage, results } = await writer();
    try {
      const before = s3.requests.length;
      const written = await results.write('s3://outs/big/poster.png', chunks());
      expect(s3.requests.slice(before).some((request) => request.query.has('uploads'))).toBe(true);
      expect((await s3.get('outs', 'big/poster.png')).equals(large)).toBe(true);
      expect((await readFile(results.localCopy(written))).length).toBe(large.length);
      await results.release(written);
      expect(await stagedFiles()).toEqual([]);
    } finally {
      storage.close();
    }
  });

  it('leaves no object when the multipart upload is refused, and no staged file', async () => {
    const { storage, results } = await writer();
    s3.deny = (request) => request.method === 'POST' && request.query.has('uploadId');
    try {
      const failed = results.write('s3://outs/big/refused.png', chunks());
      await expect(failed).rejects.toThrow(LocalFault);
      await expect(failed).rejects.toMatchObject({ stopsRun: true });
      await expect(failed).rejects.toThrow(/^cannot write s3:\/\/outs\/big\/refused\.png: access denied/);
    } finally {
      s3.deny = null;
      storage.close();
    }
    expect(await s3.keys('outs', 'big/refused')).toEqual([]);
    expect(await stagedFiles()).toEqual([]);
  });
});
