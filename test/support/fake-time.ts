/**
 * A fake clock for the batch engine (BatchTiming): sleeps wait on virtual time, which
 * jumps to the next timer whenever the engine has nothing else to do. Engine behaviours
 * that take minutes of real time (give-up, Retry-After, later rounds) run in milliseconds.
 */
import type { BatchTiming } from '../../src/batch/timing.js';

interface Timer {
  at: number;
  order: number;
  wake(): void;
}

/** Turns of the event loop with no file I/O in flight before the clock may move. */
const IDLE_TURNS = 20;

/** libuv requests of file operations (fs callbacks, fs promises, closing a handle). */
const FILE_WORK = new Set(['FSReqCallback', 'FSReqPromise', 'CloseReq']);

/**
 * Whether a file operation is still running. The clock never moves while one is, so file
 * I/O takes no fake time however loaded the machine is, and a run's schedule is the same
 * on every machine (without this, a slow disk turned into fake seconds).
 */
function fileWorkInFlight(): boolean {
  return process.getActiveResourcesInfo().some((type) => FILE_WORK.has(type));
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same sequence for one seed on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class FakeTiming implements BatchTiming {
  private time = 0;
  private timers: Timer[] = [];
  private created = 0;
  /** The longest sleep asked for so far (ms). */
  longestSleep = 0;

  now(): number {
    return this.time;
  }

  wallClock(): number {
    return Date.UTC(2026, 0, 1) + this.time;
  }

  /** Seeded, so that jittered waits are the same every run. */
  random = seededRandom(1);

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.longestSleep = Math.max(this.longestSleep, ms);
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer: Timer = { at: this.time + ms, order: this.created++, wake: resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((other) => other !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Timers still waiting (a finished run should leave none behind). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Resolves with `work`'s result, moving the clock forward whenever only timers are left to wait for. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => (settled = true));
    done.catch(() => {});
    while (!settled) {
      for (let turn = 0; turn < IDLE_TURNS && !settled; turn++) await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      const next = this.timers.sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next || fileWorkInFlight()) {
        // Waiting on real I/O (files), not on time.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      // Every timer due at that instant wakes in the same turn, as Node runs expired timers together.
      const due = this.timers.filter((timer) => timer.at <= next.at);
      this.timers = this.timers.filter((timer) => timer.at > next.at);
      this.time = Math.max(this.time, next.at);
      for (const timer of due) timer.wake();
    }
    return done;
  }
}
