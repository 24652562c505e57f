/**
 * --watch against the emulator: files dropped into a watched folder after the first pass,
 * one of them written slowly in chunks, are each sent once and whole; Ctrl-C ends the run
 * with a summary. The test waits for the CLI's own events, never for a fixed time.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, open, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { shardOf } from '../../src/inputs/shard.js';
import { runInProcess } from '../support/in-process.js';
import { BIN, emulatorEnv, FIXTURES, recordingEmulator, tempDir } from './harness.js';

let emulator: RunningEmulator;
/** Watching runs still going: a test that failed before its Ctrl-C leaves none behind. */
const watching = new Set<ChildProcess>();

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
});

afterEach(() => {
  for (const child of watching) child.kill('SIGKILL');
  watching.clear();
});

afterAll(async () => {
  await emulator.close();
});

/** The CLI with --json; `next(predicate)` resolves with the first event (past or future) that matches. */
function watchedRun(args: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    cwd,
    env: { ...process.env, ...emulatorEnv(emulator) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  watching.add(child);
  child.on('exit', () => watching.delete(child));
  const events: Record<string, unknown>[] = [];
  const waiting: {
    test: (event: Record<string, unknown>) => boolean;
    resolve: (event: Record<string, unknown>) => void;
  }[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const waiter of waiting.filter((w) => w.test(event))) waiter.resolve(event);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const next = (test: (event: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const seen = events.find(test);
      if (seen) resolve(seen);
      else waiting.push({ test, resolve });
    });
  return { child, events, exited, next };
}

/** The requests whose upload was named `filename`. */
const uploadsOf = (filename: string) =>
  emulator.requests.filter(
    (request) => (request.fields[0]?.[1] as { filename?: string } | undefined)?.filename === filename,
  );

const resultFor = (input: string) => (event: Record<string, unknown>) =>
  event.type === 'result' && event.input === input;

describe('--watch', () => {
  it('processes files dropped into the folder after the first pass, a slowly written one once and whole; Ctrl-C ends it', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'in/first.png'));
    const run = watchedRun(['edit', 'in', '-o', 'out', '--yes', '--watch', '--watch-settle', '100'], root);
    await run.next(resultFor('in/first.png'));
    await run.next((event) => event.type === 'watching');

    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'in/dropped.jpg'));
    expect(await run.next(resultFor('in/dropped.jpg'))).toMatchObject({ status: 'ok', output: 'out/dropped.png' });

    // Written in six pieces with pauses longer than the settle time: it must wait for the last.
    const slow = await readFile(path.join(FIXTURES, 'sneaker.jpg'));
    const handle = await open(path.join(root, 'in/slow.jpg'), 'w');
    const piece = Math.ceil(slow.length / 6);
    for (let at = 0; at < slow.length; at += piece) {
      await handle.write(slow.subarray(at, at + piece));
      await sleep(400);
    }
    await handle.close();
    expect(await run.next(resultFor('in/slow.jpg'))).toMatchObject({ status: 'ok' });
    const uploads = emulator.requests.filter(
      (request) => (request.fields[0]?.[1] as { filename?: string } | undefined)?.filename === 'slow.jpg',
    );
    expect(uploads).toHaveLength(1);
    expect((uploads[0]!.fields[0]![1] as { size: number }).size).toBe(slow.length);
    // The echo emulator answers what it was sent: the output is the whole file.
    expect(await readFile(path.join(root, 'out/slow.png'))).toEqual(slow);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.events.at(-1)).toMatchObject({ type: 'summary', ok: 3, failed: 0, stopped: 'interrupted' });
  });

  it('never takes its own outputs, written inside the watched folder, as inputs', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'a.png'));
    const run = watchedRun(
      [
        'edit',
        '.',
        '-o',
        '.',
        '--name',
        '{dir}/{name}-edited.{ext}',
        '--yes',
        '--watch',
        '--watch-settle',
        '100',
        '--verbose',
      ],
      root,
    );
    await run.next((event) => event.type === 'watching');
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'b.jpg'));
    await run.next(resultFor('b.jpg'));
    // A third file: once its result is in, the watcher has long seen b-edited.png and its sidecar.
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'c.jpg'));
    await run.next(resultFor('c.jpg'));
    run.child.kill('SIGINT');
    await run.exited;
    const inputs = run.events.filter((event) => event.type === 'result').map((event) => event.input);
    expect(inputs.sort()).toEqual(['a.png', 'b.jpg', 'c.jpg']);
  });

  it('in place, never writes a file met while watching over itself: it fails with its reason, and the watch goes on', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'w'));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'w/mug.jpg'));
    const run = watchedRun(['edit', 'w', '-o', 'w', '--yes', '--watch', '--watch-settle', '100'], root);
    await run.next((event) => event.type === 'watching');
    // bottle.png's output would be bottle.png itself: the survey refuses this, a file met later fails alone.
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'w/bottle.png'));
    expect(await run.next(resultFor('w/bottle.png'))).toMatchObject({
      status: 'failed',
      error:
        "its result would be written over the input itself (w/bottle.png); inputs are never modified: choose another --out folder, or write beside the input under another name with --name '{dir}/{name}-white.{ext}'",
    });
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'w/later.jpg'));
    expect(await run.next(resultFor('w/later.jpg'))).toMatchObject({ status: 'ok', output: 'w/later.png' });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await readFile(path.join(root, 'w/bottle.png'))).toEqual(await readFile(path.join(FIXTURES, 'bottle.png')));
    expect(uploadsOf('bottle.png')).toHaveLength(0);
    expect(uploadsOf('later.jpg')).toHaveLength(1);
    expect(run.events.at(-1)).toMatchObject({ type: 'summary', ok: 2, failed: 1, stopped: 'interrupted' });
  });

  it('never writes a file met while watching over another input, as the survey never does', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'w'));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'w/cup-white.png'));
    const run = watchedRun(
      ['edit', 'w', '-o', 'w', '--name', '{dir}/{name}-white.{ext}', '--yes', '--watch', '--watch-settle', '100'],
      root,
    );
    expect(await run.next(resultFor('w/cup-white.png'))).toMatchObject({
      status: 'ok',
      output: 'w/cup-white-white.png',
    });
    await run.next((event) => event.type === 'watching');
    // cup.jpg's output would be cup-white.png, an input.
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'w/cup.jpg'));
    expect(await run.next(resultFor('w/cup.jpg'))).toMatchObject({
      status: 'failed',
      error:
        'its result would be written over the input w/cup-white.png; inputs are never modified: choose another --out folder',
    });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await readFile(path.join(root, 'w/cup-white.png'))).toEqual(
      await readFile(path.join(FIXTURES, 'bottle.png')),
    );
    expect(uploadsOf('cup.jpg')).toHaveLength(0);
  });

  it('takes a file written over one of its results as an input, never as a result, and never writes over it again', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'w'));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'w/jug.jpg'));
    const run = watchedRun(['edit', 'w', '-o', 'w', '--yes', '--watch', '--watch-settle', '100'], root);
    expect(await run.next(resultFor('w/jug.jpg'))).toMatchObject({ status: 'ok', output: 'w/jug.png' });
    await run.next((event) => event.type === 'watching');
    // The user's jug.png replaces the result, its sidecar still beside it: an input, named aside.
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'w/jug.png'));
    expect(await run.next(resultFor('w/jug.png'))).toMatchObject({ status: 'ok', output: 'w/jug-png.png' });
    // jug.jpg changed: its result would now land on the input jug.png.
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'w/jug.jpg'));
    expect(await run.next((event) => resultFor('w/jug.jpg')(event) && event.status === 'failed')).toMatchObject({
      error:
        "its result would be written over the input w/jug.png; inputs are never modified: choose another --out folder, or write beside the input under another name with --name '{dir}/{name}-white.{ext}'",
    });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await readFile(path.join(root, 'w/jug.png'))).toEqual(await readFile(path.join(FIXTURES, 'bottle.png')));
    expect(uploadsOf('jug.jpg')).toHaveLength(1);
    expect(uploadsOf('jug.png')).toHaveLength(1);
  });

  it('as shards, each watching shard takes only the new files of its own shard, each once', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    const shards = [1, 2].map((index) =>
      watchedRun(
        ['edit', 'in', '-o', 'out', '--yes', '--watch', '--watch-settle', '100', '--shard', `${index}/2`],
        root,
      ),
    );
    await Promise.all(shards.map((run) => run.next((event) => event.type === 'watching')));
    const names = ['drop-a.jpg', 'drop-b.jpg', 'drop-c.jpg', 'drop-d.jpg', 'drop-e.jpg', 'drop-f.jpg'];
    expect(new Set(names.map((name) => shardOf(name, 2)))).toEqual(new Set([1, 2]));
    for (const name of names) await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'in', name));
    for (const name of names) await shards[shardOf(name, 2) - 1]!.next(resultFor(`in/${name}`));
    for (const run of shards) run.child.kill('SIGINT');
    await Promise.all(shards.map((run) => run.exited));
    shards.forEach((run, i) => {
      const taken = run.events.filter((event) => event.type === 'result').map((event) => event.input as string);
      expect(taken.sort()).toEqual(names.filter((name) => shardOf(name, 2) === i + 1).map((name) => `in/${name}`));
    });
    const sent = emulator.requests
      .map((request) => (request.fields[0]?.[1] as { filename?: string } | undefined)?.filename)
      .filter((name) => name?.startsWith('drop-'));
    expect(sent.sort()).toEqual(names);
  });

  it('refuses --watch without a folder to watch, or with -o naming a file', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const noFolder = await runInProcess(['edit', 'mug.jpg', '-o', 'out', '--watch', '--json'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(noFolder.code).toBe(2);
    const oneFile = await runInProcess(['edit', '.', '-o', 'mug.png', '--watch', '--json'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(oneFile.code).toBe(2);
  });
});

describe('--watch under odd folders', () => {
  it('never opens a named pipe called *.png (each would hold a thread for good), follows no link loop, and Ctrl-C still ends it', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'in/first.png'));
    await symlink('.', path.join(root, 'in/loop'));
    execFileSync('mkfifo', [path.join(root, 'in/before.png')]);
    const run = watchedRun(['edit', 'in', '-o', 'out', '--yes', '--watch', '--watch-settle', '50', '--verbose'], root);
    await run.next((event) => event.type === 'watching');
    // More pipes than libuv's pool has threads (4), then images: each image must still be done.
    const pipes = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'];
    for (const name of pipes) execFileSync('mkfifo', [path.join(root, 'in', name)]);
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'in/later.jpg'));
    expect(await run.next(resultFor('in/later.jpg'))).toMatchObject({ status: 'ok' });
    for (const name of pipes) await run.next((event) => event.type === 'ignored' && event.input === `in/${name}`);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const ignored = run.events
      .filter((event) => event.type === 'ignored')
      .map((event) => `${String(event.input)} ${String(event.reason)}`);
    expect(ignored.sort()).toEqual(
      ['in/before.png', ...pipes.map((name) => `in/${name}`)].map((input) => `${input} not-a-file`).sort(),
    );
    expect(run.events).toContainEqual({
      type: 'warning',
      message: 'in/loop: symbolic link loop back to in, not followed',
    });
    expect(run.events.at(-1)).toMatchObject({ type: 'summary', ok: 2, failed: 0, stopped: 'interrupted' });
  });

  it('says so when the watched folder is removed, and ends with exit 1 (never a silent exit 13)', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    const run = watchedRun(['edit', 'in', '-o', 'out', '--yes', '--watch', '--watch-settle', '50'], root);
    await run.next((event) => event.type === 'watching');
    await rm(path.join(root, 'in'), { recursive: true });
    expect(await run.exited).toBe(1);
    expect(run.events.at(-1)).toMatchObject({
      type: 'summary',
      stopped: 'folders-gone',
      stopMessage: 'in: the watched folder was removed; it is no longer watched, and no watched folder is left',
    });
  });
});
