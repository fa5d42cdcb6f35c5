import { expect } from 'chai';

/** The error `promise` rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Awaits `promise` and checks that it rejected with a message matching `pattern`; returns the error. */
export async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(Error);
  expect(error.message).to.match(pattern);
  return error;
}
