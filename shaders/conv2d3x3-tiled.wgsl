// 3x3 convolution + bias + ReLU for real GPUs: an implicit GEMM in the tfjs / onnxruntime-web
// conv2d_mm style. A workgroup of 8x8 threads computes 32 pixels x 32 output channels and walks
// K = 9 taps x cin in steps of 32 channels, staging both operand tiles in workgroup memory.
// A thread's 4 pixels are a 2x2 block (not a row), so POOL can max-pool in registers.
// CPU implementations (lavapipe) run the Winograd kernels instead: barriers and workgroup
// memory cost more than they save there. A batch of maps, one after another in `input` and `out`:
// workgroup z is the map.

struct Params {
  width: u32,    // interior size of the input map and of the convolution output
  height: u32,
  cin4: u32,
  cout4: u32,    // vec4 of output channels computed (and in the output map)
  blocksX: u32,  // ceil(width / 2)
  blocks: u32,   // blocksX * ceil(height / 2)
  outWidth: u32, // the written map: the conv size, or floor(size / 2) with POOL
  outHeight: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>; // [tap][cin4 * 4][cout4]
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;

override POOL: bool = false;

const TK: u32 = 8u; // vec4 of input channels per K step

var<workgroup> aTile: array<array<vec4f, 8>, 32>; // [pixel][c4]
var<workgroup> bTile: array<array<vec4f, 8>, 32>; // [channel][n4]

fn store(base: u32, y: u32, x: u32, c4: u32, value: vec4f) {
  if (y < p.outHeight && x < p.outWidth) {
    out[base + ((y + 1u) * (p.outWidth + 2u) + x + 1u) * p.cout4 + c4] = value;
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let block = wid.x * 8u + lid.y;
  let n4 = wid.y * 8u + lid.x;
  let by = block / p.blocksX;
  let bx = block % p.blocksX;
  let rowLen = p.width + 2u;
  let inBase = wid.z * (p.height + 2u) * rowLen * p.cin4;
  let outBase = wid.z * (p.outHeight + 2u) * (p.outWidth + 2u) * p.cout4;
  var acc: array<vec4f, 4>;
  for (var tap = 0u; tap < 9u; tap++) {
    let ky = tap / 3u;
    let kx = tap % 3u;
    for (var c0 = 0u; c0 < p.cin4; c0 += TK) {
      let c4 = c0 + lid.x;
      for (var j = 0u; j < 4u; j++) {
        let y = by * 2u + j / 2u;
        let x = bx * 2u + j % 2u;
        var a = vec4f(0.0);
        if (block < p.blocks && y < p.height && x < p.width && c4 < p.cin4) {
          a = input[inBase + ((y + ky) * rowLen + x + kx) * p.cin4 + c4];
        }
        aTile[lid.y * 4u + j][lid.x] = a;
        let k = lid.y * 4u + j;
        var w = vec4f(0.0);
        if (c0 * 4u + k < p.cin4 * 4u && n4 < p.cout4) {
          w = weights[(tap * p.cin4 * 4u + c0 * 4u + k) * p.cout4 + n4];
        }
        bTile[k][lid.x] = w;
      }
      workgroupBarrier();
      for (var kc = 0u; kc < TK; kc++) {
        let w0 = bTile[kc * 4u][lid.x];
        let w1 = bTile[kc * 4u + 1u][lid.x];
        let w2 = bTile[kc * 4u + 2u][lid.x];
        let w3 = bTile[kc * 4u + 3u][lid.x];
        for (var j = 0u; j < 4u; j++) {
          let a = aTile[lid.y * 4u + j][kc];
          acc[j] = fma(vec4f(a.x), w0, fma(vec4f(a.y), w1, fma(vec4f(a.z), w2, fma(vec4f(a.w), w3, acc[j]))));
        }
      }
      workgroupBarrier();
    }
  }
  if (block >= p.blocks || n4 >= p.cout4) {
    return;
  }
  let b = bias[n4];
  for (var j = 0u; j < 4u; j++) {
    acc[j] = max(acc[j] + b, vec4f(0.0));
  }
  if (POOL) {
    store(outBase, by, bx, n4, max(max(acc[0], acc[1]), max(acc[2], acc[3])));
  } else {
    for (var j = 0u; j < 4u; j++) {
      store(outBase, by * 2u + j / 2u, bx * 2u + j % 2u, n4, acc[j]);
    }
  }
}
