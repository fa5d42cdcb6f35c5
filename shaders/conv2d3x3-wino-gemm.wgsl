// The 36 Winograd GEMMs M[pos] = V[pos] U[pos] (tiles x cin times cin x cout), for lavapipe.
// llvmpipe turns every storage load into a per-lane loop of scalar loads, so the cost is the
// number of loaded values, not FMAs: an invocation keeps a 4-tile x 4-channel block (16
// accumulators; 8 tiles measured 2x slower) and every vec4 it loads feeds 4 vec4 FMAs. Lanes run
// over tiles. The subgroup variant (conv2d3x3-wino-gemm-subgroup.wgsl) is 2.5x faster.
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
  var acc: array<vec4f, 4>;
  for (var k = 0u; k < p.k4; k++) {
    let w0 = u[uBase + k * 4u];
    let w1 = u[uBase + k * 4u + 1u];
    let w2 = u[uBase + k * 4u + 2u];
    let w3 = u[uBase + k * 4u + 3u];
    for (var r = 0u; r < 4u; r++) {
      let x = v[vBase + r * p.k4 + k];
      acc[r] = fma(vec4f(x.x), w0, fma(vec4f(x.y), w1, fma(vec4f(x.z), w2, fma(vec4f(x.w), w3, acc[r]))));
    }
  }
  if (row < p.tilesPad) {
    for (var r = 0u; r < 4u; r++) {
      m[(pos * p.tilesPad + t0 + r) * p.n4 + n4] = acc[r];
    }
  }
}
