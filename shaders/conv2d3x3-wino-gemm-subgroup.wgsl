enable subgroups;

// The 64 Winograd GEMMs of F(6x6,3x3), one per position of its 8x8 tile: M[pos] = V[pos] U[pos],
// for lavapipe with the subgroups feature.
// llvmpipe loads storage buffers lane by lane, so a value every lane needs costs 8 loads. Here
// the 8 lanes (one subgroup: the workgroup) load the weight block once between them and pass it
// around with subgroupShuffle, a register permute; each lane then keeps a 4-tile x 16-channel
// block (64 accumulators: the loads saved outweigh the spills) and loads only its own V rows.
// That is 5x fewer loaded values per FMA than conv2d3x3-wino-gemm.wgsl; measured 2.5x faster.
// U is blocked by 16 output channels: U[pos][n16][k][4] (vec4 over channels), so the 16 vec4 of
// one k4 step are contiguous and lane l loads the l-th and (8 + l)-th.

struct Params {
  tilesPad: u32, // rows of V and M per position (a multiple of 4)
  k4: u32,       // input channels / 4
  n4: u32,       // vec4 per row of M (a multiple of 4)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> v: array<vec4f>;
@group(0) @binding(2) var<storage, read> u: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;

//#include subgroup-accumulate16

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let row = gid.x * 4u;
  let n16 = gid.y;
  let pos = gid.z;
  // Every lane must reach the shuffles: lanes past the last row block recompute it and do not store.
  let t0 = min(row, p.tilesPad - 4u);
  let vBase = (pos * p.tilesPad + t0) * p.k4;
  let uBase = (pos * (p.n4 / 4u) + n16) * p.k4 * 16u;
  var acc: array<array<vec4f, 4>, 4>;
  for (var k = 0u; k < p.k4; k++) {
    var x: array<vec4f, 4>;
    for (var r = 0u; r < 4u; r++) {
      x[r] = v[vBase + r * p.k4 + k];
    }
    let lo = u[uBase + k * 16u + lane];
    let hi = u[uBase + k * 16u + 8u + lane];
    accumulate16(&acc, x, lo, hi);
  }
  if (row < p.tilesPad) {
    for (var r = 0u; r < 4u; r++) {
      for (var c = 0u; c < 4u; c++) {
        m[(pos * p.tilesPad + t0 + r) * p.n4 + n16 * 4u + c] = acc[r][c];
      }
    }
  }
}
