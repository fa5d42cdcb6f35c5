import { expect } from 'chai';
import { worstError } from './random.ts';

/** Asserts |actual - expected| <= atol + rtol*|expected| everywhere, reporting the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number) {
  const w = worstError(actual, expected, atol, rtol);
  expect(w.worst, `worst at ${w.at}: got ${w.actual}, want ${w.expected} (atol ${atol}, rtol ${rtol})`).to.be.at.most(1);
}
