// The 64 Winograd GEMMs of F(6x6,3x3), one per position of its 8x8 tile: M[pos] = V[pos] U[pos]
// (tiles x cin times cin x cout), for software adapters without 8-lane subgroups: SwiftShader
// (4 lanes), or lavapipe without the feature, where
// the subgroup variant (conv2d3x3-wino-gemm-subgroup.wgsl) is 2.5x faster.
// Both turn every storage load into a per-lane loop of scalar loads, so the cost is the number of
// loaded values, not FMAs: an invocation keeps a 4-tile x 4-channel block (16 accumulators; 8
// tiles measured 2x slower on lavapipe) and every vec4 it loads feeds 4 vec4 FMAs. Lanes run over tiles.
// U is blocked per vec4 of output channels: U[pos][n4][k] (vec4 over the 4 channels), so the
// four k rows an iteration needs are adjacent.

struct Params {
  tilesPad: u32, // rows of V and M per position (a multiple of 4)
  k4: u32,       // input channels / 4
  n4: u32,       // vec4 per row of M
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> v: array<vec4f>;
@group(0) @binding(2) var<storage, read> u: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x * 4u;
  let n4 = gid.y;
  let pos = gid.z;
  // Lanes past the last row block recompute it (no divergent exit) and do not store.
  let t0 = min(row, p.tilesPad - 4u);
  let vBase = (pos * p.tilesPad + t0) * p.k4;
  let uBase = (pos * p.n4 + n4) * p.k4 * 4u;
  // Four named accumulators rather than an array indexed in a loop: SwiftShader keeps such an
  // array in memory (3.5x slower GEMM measured); llvmpipe unrolls either form alike.
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var k = 0u; k < p.k4; k++) {
    let w0 = u[uBase + k * 4u];
    let w1 = u[uBase + k * 4u + 1u];
    let w2 = u[uBase + k * 4u + 2u];
    let w3 = u[uBase + k * 4u + 3u];
    let x0 = v[vBase + k];
    let x1 = v[vBase + p.k4 + k];
    let x2 = v[vBase + 2u * p.k4 + k];
    let x3 = v[vBase + 3u * p.k4 + k];
    a0 = fma(vec4f(x0.x), w0, fma(vec4f(x0.y), w1, fma(vec4f(x0.z), w2, fma(vec4f(x0.w), w3, a0))));
    a1 = fma(vec4f(x1.x), w0, fma(vec4f(x1.y), w1, fma(vec4f(x1.z), w2, fma(vec4f(x1.w), w3, a1))));
    a2 = fma(vec4f(x2.x), w0, fma(vec4f(x2.y), w1, fma(vec4f(x2.z), w2, fma(vec4f(x2.w), w3, a2))));
    a3 = fma(vec4f(x3.x), w0, fma(vec4f(x3.y), w1, fma(vec4f(x3.z), w2, fma(vec4f(x3.w), w3, a3))));
  }
  if (row < p.tilesPad) {
    let o = (pos * p.tilesPad + t0) * p.n4 + n4;
    m[o] = a0;
    m[o + p.n4] = a1;
    m[o + 2u * p.n4] = a2;
    m[o + 3u * p.n4] = a3;
  }
}
