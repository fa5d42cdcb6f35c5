// Included by the subgroup conv kernels (//#include subgroup-accumulate16): acc[r][c] += x[r]
// (4 input channels of row r) times a 4-input x 16-output-channel weight block that the 8 lanes
// hold between them, vec4 j = 4 kk + c (input channel kk, output vec4 c) in lane j % 8: in `lo`
// for j < 8, in `hi` otherwise. Every lane must call it: subgroupShuffle reads the others' values.
// Output vec4 outer, input channel innermost: each accumulator is read and written once per
// call, its four FMAs chained. The 64 accumulators spill and llvmpipe masks every loop-carried
// write with the loop's live lanes, so this order measured 1.2-1.3x faster than the reverse.
fn accumulate16(acc: ptr<function, array<array<vec4f, 4>, 4>>, x: array<vec4f, 4>, lo: vec4f, hi: vec4f) {
  for (var c = 0u; c < 4u; c++) {
    var w: array<vec4f, 4>;
    for (var kk = 0u; kk < 4u; kk++) {
      let j = kk * 4u + c;
      if (j < 8u) {
        w[kk] = subgroupShuffle(lo, j);
      } else {
        w[kk] = subgroupShuffle(hi, j - 8u);
      }
    }
    for (var r = 0u; r < 4u; r++) {
      (*acc)[r][c] = fma(vec4f(x[r].x), w[0], fma(vec4f(x[r].y), w[1], fma(vec4f(x[r].z), w[2], fma(vec4f(x[r].w), w[3], (*acc)[r][c]))));
    }
  }
}
