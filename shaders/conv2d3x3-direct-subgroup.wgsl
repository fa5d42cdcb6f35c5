enable subgroups;

// Direct 3x3 convolution + bias + ReLU for layers with few input channels (conv1_1: RGB), on
// lavapipe with 8-lane subgroups. Winograd pays off through its GEMM; with one vec4 of input
// channels there is almost no GEMM, and its transforms and scratch traffic were the whole cost.
// A lane computes 4 consecutive output pixels of a row x 16 output channels (64 accumulators, as
// in the subgroup GEMM); the 8 lanes of a workgroup take 8 such pixel groups and load each weight
// block once between them, passing it around with subgroupShuffle (llvmpipe loads storage buffers
// lane by lane, so a value every lane needs would cost 8 loads). Each input row segment is loaded
// once per kernel row and reused by the three kernel columns. A batch of maps, one after another
// in `input` and `out`: workgroup z is the map.

struct Params {
  width: u32,    // interior size of the input and output maps
  height: u32,
  cin4: u32,
  cout4: u32,    // vec4 of channels in the output map
  groupsX: u32,  // ceil(width / 4): pixel groups per row
  groups: u32,   // groupsX * height
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>; // [n16][tap][cin4 * 4][16 channels]
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;

//#include subgroup-accumulate16

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  // Every lane must reach the shuffles: lanes past the last group recompute it and do not store.
  let group = min(gid.x, p.groups - 1u);
  let y = group / p.groupsX;
  let x0 = (group % p.groupsX) * 4u;
  let n16 = gid.y;
  let rowLen = p.width + 2u;
  let inBase = gid.z * (p.height + 2u) * rowLen * p.cin4;
  let wBase = n16 * 9u * p.cin4 * 16u;
  var acc: array<array<vec4f, 4>, 4>;
  for (var ky = 0u; ky < 3u; ky++) {
    for (var c4 = 0u; c4 < p.cin4; c4++) {
      // Padded columns x0 .. x0 + 5 feed output columns x0 .. x0 + 3; past the row's end (width
      // not a multiple of 4) they are clamped: those outputs are not stored.
      var seg: array<vec4f, 6>;
      for (var i = 0u; i < 6u; i++) {
        seg[i] = input[inBase + ((y + ky) * rowLen + min(x0 + i, rowLen - 1u)) * p.cin4 + c4];
      }
      for (var kx = 0u; kx < 3u; kx++) {
        let w0 = wBase + ((ky * 3u + kx) * p.cin4 + c4) * 16u;
        let lo = weights[w0 + lane];
        let hi = weights[w0 + 8u + lane];
        accumulate16(&acc, array<vec4f, 4>(seg[kx], seg[kx + 1u], seg[kx + 2u], seg[kx + 3u]), lo, hi);
      }
    }
  }
  if (gid.x >= p.groups) {
    return;
  }
  let outBase = gid.z * (p.height + 2u) * rowLen * p.cout4;
  for (var c = 0u; c < 4u; c++) {
    let n4 = n16 * 4u + c;
    if (n4 < p.cout4) {
      let b = bias[n4];
      for (var px = 0u; px < 4u; px++) {
        if (x0 + px < p.width) {
          out[outBase + ((y + 1u) * rowLen + x0 + px + 1u) * p.cout4 + n4] = max(acc[px][c] + b, vec4f(0.0));
        }
      }
    }
  }
}
