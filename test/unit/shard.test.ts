/**
 * `--shard I/N`: which inputs each shard takes (through the real discovery and planner, in
 * dry runs), where their outputs go, and how the shard is named on the command line, in the
 * environment and by a Kubernetes Indexed Job.
 */
import fc from 'fast-check';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run.js';
import { resolveRunOptions } from '../../src/config/resolve.js';
import { NO_CONFIG } from '../../src/config/load.js';
import { resolveShard } from '../../src/config/shard.js';
import { inShard, parseShard, rateShare, shardOf, type Shard } from '../../src/inputs/shard.js';
import { buildParamSet } from '../../src/params/paramset.js';
import { createFakeClient } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { processHost } from '../../src/cli/io.js';
import { editInToOut } from '../support/folder-batch.js';

/** A folder `in/` holding small images at these paths (a dry run checks every input, as a run does). */
async function inputFolder(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-shard-'));
  await addFiles(root, files);
  return root;
}

const tinyImages = new Map<string, Promise<Buffer>>();

/** An 8×8 image in the format its extension names, made once per format. */
function tinyImage(file: string): Promise<Buffer> {
  const format = path.extname(file).slice(1) === 'jpg' ? 'jpeg' : (path.extname(file).slice(1) as 'png' | 'webp');
  if (!tinyImages.has(format)) {
    tinyImages.set(
      format,
      sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
        .toFormat(format)
        .toBuffer(),
    );
  }
  return tinyImages.get(format)!;
}

async function addFiles(root: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, 'in', file)), { recursive: true });
    await writeFile(path.join(root, 'in', file), await tinyImage(file));
  }
}

/** What a dry run of `shard` (all inputs when absent) would do: input → output, relative to `root`. */
async function plan(root: string, shard?: Shard): Promise<Map<string, string>> {
  const client = createFakeClient({ timing: new FakeTiming(), answer: () => ({ status: 500 }) });
  const batch = editInToOut(root, client, undefined, { settings: { retries: 0, dryRun: true, shard } });
  const planned = new Map<string, string>();
  batch.on('event', (event) => {
    if (event.type === 'plan') planned.set(event.input, event.output);
  });
  await batch.done;
  expect(client.calls).toEqual([]);
  return planned;
}

async function planEveryShard(root: string, count: number): Promise<Map<string, string>[]> {
  const plans: Map<string, string>[] = [];
  for (let index = 1; index <= count; index++) plans.push(await plan(root, { index, count }));
  return plans;
}

/** Relative input paths, some in subfolders, some sharing a name across extensions (their outputs collide). */
const fileSets = fc.uniqueArray(
  fc
    .tuple(
      fc.constantFrom('', 'sub/', 'sub/deep/', 'Été/'),
      fc.stringMatching(/^[a-z][a-z0-9 -]{0,5}$/),
      fc.constantFrom('png', 'jpg', 'webp'),
    )
    .map(([folder, name, extension]) => `${folder}${name}.${extension}`),
  { minLength: 1, maxLength: 25, selector: (file) => file.toLowerCase() },
);

describe('shards of a batch', () => {
  it('are disjoint and together take every input once, named as one run would name it', async () => {
    await fc.assert(
      fc.asyncProperty(fileSets, fc.integer({ min: 1, max: 6 }), async (files, count) => {
        const root = await inputFolder(files);
        const whole = await plan(root);
        expect(whole.size).toBe(files.length);
        const shards = await planEveryShard(root, count);
        const taken = shards.flatMap((shard) => [...shard]);
        expect(taken).toHaveLength(whole.size);
        expect(new Map(taken)).toEqual(whole);
      }),
      { numRuns: 20 },
    );
  });

  it('keep every input in its shard when other files are added', async () => {
    await fc.assert(
      fc.asyncProperty(fileSets, fileSets, fc.integer({ min: 2, max: 6 }), async (files, added, count) => {
        const root = await inputFolder(files);
        const before = await planEveryShard(root, count);
        await addFiles(
          root,
          added.filter((file) => !files.some((existing) => existing.toLowerCase() === file.toLowerCase())),
        );
        const after = await planEveryShard(root, count);
        for (let shard = 0; shard < count; shard++) {
          for (const input of before[shard]!.keys())
            expect(after[shard]!.has(input), `${input} left shard ${shard + 1}`).toBe(true);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("never write one output twice, even when a renamed output takes another input's natural name", async () => {
    // twin-png.jpg takes twin-png.png, twin.jpg takes twin.png; twin.png would be renamed
    // twin-png.png, which is taken, so it becomes twin-png-2.png, whichever shards these are in.
    const root = await inputFolder(['twin.jpg', 'twin.png', 'twin-png.jpg']);
    const whole = await plan(root);
    expect(whole).toEqual(
      new Map([
        ['in/twin-png.jpg', 'out/twin-png.png'],
        ['in/twin.jpg', 'out/twin.png'],
        ['in/twin.png', 'out/twin-png-2.png'],
      ]),
    );
    for (let count = 2; count <= 6; count++) {
      const taken = (await planEveryShard(root, count)).flatMap((shard) => [...shard]);
      expect(new Map(taken), `${count} shards`).toEqual(whole);
    }
  });

  it('hash an input by its path below its root, so any checkout folder agrees', () => {
    const file = (relative: string, root: string) => ({
      kind: 'file' as const,
      path: `${root}/${relative}`,
      real: `${root}/${relative}`,
      display: relative,
      relative,
    });
    for (let index = 1; index <= 4; index++) {
      const shard = { index, count: 4 };
      expect(inShard(shard, file('shoes/run.jpg', '/home/runner/work/a'))).toBe(
        inShard(shard, file('shoes/run.jpg', '/builds/b')),
      );
    }
    const url = 'https://example.com/shoes/run.jpg';
    expect(inShard({ index: shardOf(url, 4), count: 4 }, { kind: 'url', url, display: url, relative: 'run.jpg' })).toBe(
      true,
    );
  });

  it('spread inputs evenly', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) counts[shardOf(`photos/img-${i}.jpg`, 3) - 1]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(900);
  });

  it('share --rate: each of N shards takes 1/N of it', () => {
    expect(rateShare(120, { index: 2, count: 3 })).toBe(40);
    expect(rateShare(120, undefined)).toBe(120);
    expect(rateShare(undefined, { index: 1, count: 3 })).toBeUndefined();
  });
});

describe("a shard's own inputs", () => {
  it('are all that the credits check and --max-images count', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
      .png()
      .toBuffer();
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-shard-'));
    await mkdir(path.join(root, 'in'));
    for (let i = 0; i < 12; i++) await writeFile(path.join(root, 'in', `i${i}.png`), png);
    const shard = { index: 2, count: 3 };
    const own = (await plan(root, shard)).size;
    expect(own).toBeGreaterThan(1);
    expect(own).toBeLessThan(12);
    const run = async (maxImages?: number) => {
      const timing = new FakeTiming();
      const { params } = buildParamSet('edit', [], { hasInputImage: true });
      const client = createFakeClient({
        timing,
        answer: () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }),
        account: () => ({ plan: 'p', images: { available: own, subscription: 12 } }),
      });
      const batch = runBatch({
        endpoint: 'edit',
        inputs: ['in'],
        cwd: root,
        outDir: path.join(root, `out-${maxImages}`),
        params,
        host: processHost(),
        client,
        settings: { concurrency: 2, retries: 0, yes: false, maxImages, shard },
        timing,
      });
      return timing.drive(batch.done);
    };
    expect(await run()).toMatchObject({ ok: own, notProcessed: 0 });
    expect((await run(1)).ok).toBe(1);
  });
});

/** The shard a command would take from these flags (as typed), environment and config file values. */
function shardFrom(flags: Record<string, string>, env: Record<string, string>, values: Record<string, unknown> = {}) {
  const config = Object.keys(values).length > 0 ? { path: '/p/.photoroomrc', values } : NO_CONFIG;
  const run = resolveRunOptions('edit', flags, env, config);
  const sharding = resolveShard(run.settings, run.sources, env);
  return { shard: sharding.shard, problems: [...run.problems, ...sharding.problems] };
}

describe('naming the shard', () => {
  it('reads I/N, counted from 1', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('10000/10000')).toEqual({ index: 10_000, count: 10_000 });
    for (const text of ['0/3', '4/3', '3', '1/0', '-1/3', '1.5/3', '1/10001', ''])
      expect(parseShard(text), text).toBeNull();
  });

  it('takes --shard from the flag, PHOTOROOM_SHARD or the config file, and says what it expects', () => {
    expect(shardFrom({}, { PHOTOROOM_SHARD: '2/3' }).shard).toEqual({ index: 2, count: 3 });
    expect(shardFrom({ shard: '1/3' }, { PHOTOROOM_SHARD: '2/3' }).shard).toEqual({ index: 1, count: 3 });
    expect(shardFrom({}, {}, { shard: '3/3' }).shard).toEqual({ index: 3, count: 3 });
    expect(shardFrom({ shard: '4/3' }, {}).problems).toEqual([
      '--shard: invalid value "4/3"; expected I/N, shard I of N counted from 1 (N up to 10000), such as 2/3, in digits only (no spaces, signs or leading zeros)',
    ]);
  });

  it('takes the shard of a Kubernetes Indexed Job from JOB_COMPLETION_INDEX (0-based) with --shards', () => {
    expect(shardFrom({ shards: '3' }, { JOB_COMPLETION_INDEX: '0' })).toEqual({
      shard: { index: 1, count: 3 },
      problems: [],
    });
    expect(shardFrom({ shards: '3' }, { JOB_COMPLETION_INDEX: '2' })).toEqual({
      shard: { index: 3, count: 3 },
      problems: [],
    });
    expect(shardFrom({ shard: '2/5' }, { JOB_COMPLETION_INDEX: '0' })).toEqual({
      shard: { index: 2, count: 5 },
      problems: [],
    });
  });

  it('refuses --shards without a usable JOB_COMPLETION_INDEX', () => {
    expect(shardFrom({ shards: '3' }, {}).problems).toEqual([
      '--shards 3 takes the shard from JOB_COMPLETION_INDEX, which is not set (a Kubernetes Indexed Job sets it); elsewhere use --shard I/3',
    ]);
    expect(shardFrom({ shards: '3' }, { JOB_COMPLETION_INDEX: '3' }).problems).toEqual([
      'JOB_COMPLETION_INDEX="3": expected a whole number from 0 to 2 in digits only (--shards 3)',
    ]);
    expect(shardFrom({ shards: '3' }, { JOB_COMPLETION_INDEX: 'one' }).problems).toHaveLength(1);
  });
});

/**
 * Six ways to name a shard, each naming a different one, so that the winner shows. With
 * JOB_COMPLETION_INDEX=1, a count N names shard 2 of N.
 */
const SHARD_SOURCES = [
  { name: '--shard', layer: 0, flags: { shard: '1/2' }, shard: { index: 1, count: 2 }, shown: '--shard "1/2"' },
  { name: '--shards', layer: 0, flags: { shards: '3' }, shard: { index: 2, count: 3 }, shown: '--shards "3"' },
  {
    name: 'PHOTOROOM_SHARD',
    layer: 1,
    env: { PHOTOROOM_SHARD: '1/4' },
    shard: { index: 1, count: 4 },
    shown: 'PHOTOROOM_SHARD="1/4"',
  },
  {
    name: 'PHOTOROOM_SHARDS',
    layer: 1,
    env: { PHOTOROOM_SHARDS: '5' },
    shard: { index: 2, count: 5 },
    shown: 'PHOTOROOM_SHARDS="5"',
  },
  {
    name: 'config shard',
    layer: 2,
    values: { shard: '1/6' },
    shard: { index: 1, count: 6 },
    shown: '.photoroomrc: shard "1/6"',
  },
  {
    name: 'config shards',
    layer: 2,
    values: { shards: 7 },
    shard: { index: 2, count: 7 },
    shown: '.photoroomrc: shards 7',
  },
] as const;

describe('shard options follow the one precedence, flag > environment > config file, in every combination', () => {
  const combinations = Array.from({ length: 2 ** SHARD_SOURCES.length }, (_, bits) =>
    SHARD_SOURCES.filter((_, i) => bits & (1 << i)),
  );
  for (const given of combinations) {
    // The highest source naming a shard decides; the same source naming it two ways is refused.
    const top = given.filter((source) => source.layer === Math.min(...given.map((other) => other.layer)));
    const expected =
      top.length === 0
        ? { shard: undefined, problems: [] }
        : top.length === 1
          ? { shard: top[0]!.shard, problems: [] }
          : { shard: undefined, problems: [`${top[0]!.shown} and ${top[1]!.shown} both choose the shard; give one`] };
    it(given.map((source) => source.name).join(' + ') || 'none', () => {
      const flags = Object.fromEntries(
        given.flatMap((source) => ('flags' in source ? Object.entries(source.flags) : [])),
      );
      const env = {
        JOB_COMPLETION_INDEX: '1',
        ...Object.fromEntries(given.flatMap((source) => ('env' in source ? Object.entries(source.env) : []))),
      };
      const values = Object.fromEntries(
        given.flatMap((source) => ('values' in source ? Object.entries(source.values) : [])),
      );
      expect(shardFrom(flags, env, values)).toEqual(expected);
    });
  }

  it('ignores what a lower source says, even when it would be refused', () => {
    expect(shardFrom({ shard: '1/2' }, { PHOTOROOM_SHARDS: 'lots' })).toEqual({
      shard: { index: 1, count: 2 },
      problems: [],
    });
    expect(shardFrom({ shards: '3' }, { PHOTOROOM_SHARD: '9/3', JOB_COMPLETION_INDEX: '0' }, { shard: 'x' })).toEqual({
      shard: { index: 1, count: 3 },
      problems: [],
    });
    expect(shardFrom({}, { PHOTOROOM_SHARD: '1/2' }, { shards: 3 })).toEqual({
      shard: { index: 1, count: 2 },
      problems: [],
    });
  });
});

describe('shard options in exact forms only', () => {
  const badShards = [
    ' 1/3',
    '1/3 ',
    '1 / 3',
    '01/3',
    '1/03',
    '+1/3',
    '1/+3',
    '0/3',
    '4/3',
    '1.0/3',
    '1/3.0',
    '1e0/3',
    '0x1/3',
    '1/3/3',
    '/3',
    '1/',
    '1',
    '1/10001',
    '１/3',
    '1\n/3',
  ];
  const badCounts = [' 3', '3 ', '03', '+3', '3.0', '1e1', '0x3', '0', '-3', '10001', '3\n'];
  const badIndexes = [' 1', '1 ', '01', '+1', '1.0', '-1', '1e0', '0x1', '3', 'one', '1\n'];
  const SHARD_EXPECTED =
    'expected I/N, shard I of N counted from 1 (N up to 10000), such as 2/3, in digits only (no spaces, signs or leading zeros)';
  const COUNT_EXPECTED = 'expected a whole number from 1 to 10000 in digits only (no spaces, signs or leading zeros)';

  for (const text of badShards) {
    it(`refuses the shard ${JSON.stringify(text)} from the flag, the environment and the config file, naming each`, () => {
      expect(shardFrom({ shard: text }, {}).problems).toEqual([
        `--shard: invalid value ${JSON.stringify(text)}; ${SHARD_EXPECTED}`,
      ]);
      expect(shardFrom({}, { PHOTOROOM_SHARD: text }).problems).toEqual([
        `PHOTOROOM_SHARD: invalid value ${JSON.stringify(text)}; ${SHARD_EXPECTED}`,
      ]);
      expect(shardFrom({}, {}, { shard: text }).problems).toEqual([
        `.photoroomrc: shard: invalid value ${JSON.stringify(text)}; ${SHARD_EXPECTED}`,
      ]);
    });
  }

  for (const text of badCounts) {
    it(`refuses the shard count ${JSON.stringify(text)} from the flag, the environment and the config file, naming each`, () => {
      const env = { JOB_COMPLETION_INDEX: '0' };
      expect(shardFrom({ shards: text }, env).problems).toEqual([
        `--shards: invalid value ${JSON.stringify(text)}; ${COUNT_EXPECTED}`,
      ]);
      expect(shardFrom({}, { ...env, PHOTOROOM_SHARDS: text }).problems).toEqual([
        `PHOTOROOM_SHARDS: invalid value ${JSON.stringify(text)}; ${COUNT_EXPECTED}`,
      ]);
      expect(shardFrom({}, env, { shards: text }).problems).toEqual([
        `.photoroomrc: shards: invalid value ${JSON.stringify(text)}; ${COUNT_EXPECTED}`,
      ]);
    });
  }

  for (const text of badIndexes) {
    it(`refuses JOB_COMPLETION_INDEX=${JSON.stringify(text)}, naming the count it was read for`, () => {
      const problem = (named: string) => [
        `JOB_COMPLETION_INDEX=${JSON.stringify(text)}: expected a whole number from 0 to 2 in digits only (${named})`,
      ];
      expect(shardFrom({ shards: '3' }, { JOB_COMPLETION_INDEX: text }).problems).toEqual(problem('--shards 3'));
      expect(shardFrom({}, { PHOTOROOM_SHARDS: '3', JOB_COMPLETION_INDEX: text }).problems).toEqual(
        problem('PHOTOROOM_SHARDS=3'),
      );
      expect(shardFrom({}, { JOB_COMPLETION_INDEX: text }, { shards: 3 }).problems).toEqual(
        problem('.photoroomrc: shards 3'),
      );
    });
  }

  it('reads whole numbers a config file gives as numbers, and refuses others', () => {
    expect(shardFrom({}, { JOB_COMPLETION_INDEX: '0' }, { shards: 3 }).shard).toEqual({ index: 1, count: 3 });
    expect(shardFrom({}, { JOB_COMPLETION_INDEX: '0' }, { shards: 3.5 }).problems).toEqual([
      `.photoroomrc: shards: invalid value 3.5; ${COUNT_EXPECTED}`,
    ]);
    expect(shardFrom({}, {}, { shard: 1 }).problems).toEqual([
      `.photoroomrc: shard: invalid value 1; ${SHARD_EXPECTED}`,
    ]);
  });
});

describe('shard messages name the source the user gave', () => {
  const cases: [string, Record<string, string>, Record<string, string>, Record<string, unknown>, string][] = [
    ['--shards without an index', { shards: '3' }, {}, {}, '--shards 3 takes the shard from JOB_COMPLETION_INDEX'],
    [
      'PHOTOROOM_SHARDS without an index',
      {},
      { PHOTOROOM_SHARDS: '3' },
      {},
      'PHOTOROOM_SHARDS=3 takes the shard from JOB_COMPLETION_INDEX',
    ],
    [
      "a config file's shards without an index",
      {},
      {},
      { shards: 3 },
      '.photoroomrc: shards 3 takes the shard from JOB_COMPLETION_INDEX',
    ],
    [
      '--shards over PHOTOROOM_SHARD, without an index',
      { shards: '3' },
      { PHOTOROOM_SHARD: '1/3' },
      {},
      '--shards 3 takes the shard',
    ],
    [
      "PHOTOROOM_SHARDS over a config file's shard",
      {},
      { PHOTOROOM_SHARDS: '3' },
      { shard: '1/3' },
      'PHOTOROOM_SHARDS=3 takes the shard',
    ],
    [
      'both in the environment',
      {},
      { PHOTOROOM_SHARD: '1/3', PHOTOROOM_SHARDS: '3' },
      {},
      'PHOTOROOM_SHARD="1/3" and PHOTOROOM_SHARDS="3" both choose the shard; give one',
    ],
    [
      'both in the config file',
      {},
      {},
      { shard: '1/3', shards: 3 },
      '.photoroomrc: shard "1/3" and .photoroomrc: shards 3 both choose the shard; give one',
    ],
  ];
  for (const [title, flags, env, values, message] of cases) {
    it(title, () => {
      const { problems } = shardFrom(flags, env, values);
      expect(problems).toHaveLength(1);
      // The message starts with what the user gave, as they gave it.
      expect(problems[0]?.slice(0, message.length)).toBe(message);
    });
  }
});
