/** The stop events the engine raises itself, worded once. */
import type { ApiError } from '../api/errors.js';
import type { StopEvent, StopReason } from './events.js';

export function stopEvent(reason: StopReason, message: string): StopEvent {
  return { type: 'stop', reason, message };
}

/** 402 and 403 refuse every later request too. */
export function refusalStop(error: ApiError): StopEvent {
  return error.status === 402
    ? stopEvent('credits', `no credits left (${error.message})`)
    : stopEvent('key', `the API key was refused (${error.message}); check PHOTOROOM_API_KEY (sandbox keys start with sandbox_)`);
}

/**
 * What an aborted signal asks for: a caller may abort with a StopEvent as the reason
 * (the CLI does when standard output closes); anything else is an interruption (Ctrl-C).
 */
export function stopRequested(signal: AbortSignal): StopEvent {
  const reason: unknown = signal.reason;
  if (typeof reason === 'object' && reason !== null && (reason as StopEvent).type === 'stop') return reason as StopEvent;
  return stopEvent('interrupted', 'interrupted: no new work started');
}
