/** CPU reference of the fill kernel. */
export function fillCpu(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}
