// Bench figures to a few decimals; no Node import, since the peers page bundles it for the browser.
export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
