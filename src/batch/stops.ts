/** The stop events the engine raises itself, worded once, and the run's one stop. */
import { setMaxListeners } from 'node:events';
import type { ApiError } from '../api/errors.js';
import type { StopEvent, StopReason } from './events.js';

export function stopEvent(reason: StopReason, message: string): StopEvent {
  return { type: 'stop', reason, message };
}

/** 402 and 403 refuse every later request too. */
export function refusalStop(error: ApiError): StopEvent {
  return error.status === 402
    ? stopEvent('credits', `no credits left (${error.message})`)
    : stopEvent(
        'key',
        `the API key was refused (${error.message}); check PHOTOROOM_API_KEY (sandbox keys start with sandbox_)`,
      );
}

/**
 * What an aborted signal asks for: a caller may abort with a StopEvent as the reason
 * (the CLI does when standard output closes); anything else is an interruption (Ctrl-C).
 */
export function stopRequested(signal: AbortSignal): StopEvent {
  const reason: unknown = signal.reason;
  return isStopEvent(reason) ? reason : stopEvent('interrupted', 'interrupted: no new work started');
}

/** A StopEvent, as a caller builds it with stopEvent (an abort's reason may be anything). */
function isStopEvent(value: unknown): value is StopEvent {
  return typeof value === 'object' && value !== null && 'type' in value && value.type === 'stop';
}

/** A run's stop: the first reason given wins and is told once; every wait of the engine listens to `signal`. */
export class RunStop {
  private stopped: StopEvent | null = null;
  private readonly stopping = new AbortController();

  constructor(private readonly tell: (event: StopEvent) => void) {
    // Every wait of every input in flight listens to it.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Why the run stopped, or null while it runs. */
  get event(): StopEvent | null {
    return this.stopped;
  }

  /** Aborted on stop: every wait of the engine ends at once. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  stop(event: StopEvent): void {
    if (this.stopped) return;
    this.stopped = event;
    this.tell(event);
    this.stopping.abort();
  }
}
