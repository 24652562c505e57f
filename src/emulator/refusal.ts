/** A request the real API would refuse at render time; `message` is shown to the user. */
export class RenderRefusal extends Error {
  readonly status = 400;

  constructor(message: string) {
    super(message);
    this.name = 'RenderRefusal';
  }
}
