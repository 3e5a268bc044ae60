/** A refusal the fake answers as the real API does: a status and a plain-text body (grid5000.md §1.2). */
export class FakeHttpError extends Error {
  override name = "FakeHttpError";
  readonly status: number;
  constructor(status: number, text: string) {
    super(text);
    this.status = status;
  }
}

/** The app's exact text for a write without an identity, or by someone who does not own the resource. */
export const NOT_AUTHORIZED = "You are not authorized to access this resource";
