/** A --watch watcher that reports exactly what the test tells it to, for engine tests on the fake clock. */
import type { Watch, WatchNews } from '../../src/inputs/watch.js';

export class ScriptedWatch implements Watch {
  private readonly news: WatchNews[] = [];
  private wake = () => {};

  tell(news: WatchNews): void {
    this.news.push(news);
    this.wake();
  }

  async *changes(signal: AbortSignal): AsyncGenerator<WatchNews> {
    signal.addEventListener('abort', () => this.wake());
    while (!signal.aborted) {
      const next = this.news.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async close(): Promise<void> {}
}
