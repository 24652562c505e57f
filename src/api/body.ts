/** Stops reading an answer's body; the stream may report the abort as an error event, which nobody needs. */
export function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => {});
  body.destroy();
}
