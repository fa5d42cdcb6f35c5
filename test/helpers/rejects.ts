import { expect } from 'chai';

/** Awaits `promise` and checks that it rejected with a message matching `pattern`; returns the error. */
export async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect((outcome as Error).message).to.match(pattern);
  return outcome as Error;
}
