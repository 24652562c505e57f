/** Stops reading an answer's body; undici reports the abort as an error event, which nobody needs. */
export function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => {});
  body.destroy();
}
