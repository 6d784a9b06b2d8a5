// The one kind of error a front end shows as it is: its message says what went wrong and what to do, so it is
// printed (or replied) without "Unexpected error" and without a stack. It lives in core so that core's own
// refusals (an empty question) can be one too; adapters (config, corpus, index, CLI) import it from here.

export class PersonFacingError extends Error {
  override name = "PersonFacingError";
}
