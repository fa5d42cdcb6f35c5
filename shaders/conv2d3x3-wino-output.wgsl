// Winograd F(6x6, 3x3) output transform fused with bias and ReLU: the 64 GEMM results of a tile
// give A^T M A, a 6x6 block of outputs, written into the interior of a zero-bordered map. With
// POOL the block's nine 2x2 quads are max-pooled first (max and ReLU commute, and the bias is
// per channel), which saves the separate pooling pass over the full-size map. With a batch, tile t
// is tile t % tiles of map t / tiles (see the input transform).

struct Params {
  width: u32,    // convolution output width and height (before pooling)
  height: u32,
  n4: u32,       // vec4 per row of each M matrix
  cout4: u32,    // vec4 of channels in the output map
  tilesX: u32,
  tiles: u32,    // per map
  batch: u32,
  tilesPad: u32,
  outWidth: u32, // width and height of the written map: the conv size, or half of it with POOL
  outHeight: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> m: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4f>;

override WG: u32 = 64;
override POOL: bool = false;

// A^T for the points of the input transform: row i weighs m[1..6] by the points' i-th powers.
fn at(m: array<vec4f, 8>) -> array<vec4f, 6> {
  let s1 = m[1] + m[2];
  let d1 = m[1] - m[2];
  let s2 = m[3] + m[4];
  let d2 = m[3] - m[4];
  let s3 = m[5] + m[6];
  let d3 = m[5] - m[6];
  return array<vec4f, 6>(
    m[0] + s1 + s2 + s3,
    d1 + 2.0 * d2 + 0.5 * d3,
    s1 + 4.0 * s2 + 0.25 * s3,
    d1 + 8.0 * d2 + 0.125 * d3,
    s1 + 16.0 * s2 + 0.0625 * s3,
    d1 + 32.0 * d2 + 0.03125 * d3 + m[7],
  );
}

fn store(base: u32, y: u32, x: u32, c4: u32, value: vec4f) {
  if (y < p.outHeight && x < p.outWidth) {
    out[base + ((y + 1u) * (p.outWidth + 2u) + x + 1u) * p.cout4 + c4] = value;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= p.tiles * p.batch * p.cout4) {
    return;
  }
  let c4 = i % p.cout4;
  let t = i / p.cout4;
  var rows: array<array<vec4f, 6>, 8>;
  for (var a = 0u; a < 8u; a++) {
    var r: array<vec4f, 8>;
    for (var b = 0u; b < 8u; b++) {
      r[b] = m[((a * 8u + b) * p.tilesPad + t) * p.n4 + c4];
    }
    rows[a] = at(r);
  }
  let bc = bias[c4];
  var o: array<array<vec4f, 6>, 6>;
  for (var x = 0u; x < 6u; x++) {
    let col = at(array<vec4f, 8>(rows[0][x], rows[1][x], rows[2][x], rows[3][x], rows[4][x], rows[5][x], rows[6][x], rows[7][x]));
    for (var y = 0u; y < 6u; y++) {
      o[y][x] = max(col[y] + bc, vec4f(0.0));
    }
  }
  let tile = t % p.tiles;
  let ty = tile / p.tilesX;
  let tx = tile % p.tilesX;
  let base = (t / p.tiles) * (p.outHeight + 2u) * (p.outWidth + 2u) * p.cout4;
  if (POOL) {
    for (var y = 0u; y < 3u; y++) {
      for (var x = 0u; x < 3u; x++) {
        let q = max(max(o[2u * y][2u * x], o[2u * y][2u * x + 1u]), max(o[2u * y + 1u][2u * x], o[2u * y + 1u][2u * x + 1u]));
        store(base, ty * 3u + y, tx * 3u + x, c4, q);
      }
    }
  } else {
    for (var y = 0u; y < 6u; y++) {
      for (var x = 0u; x < 6u; x++) {
        store(base, ty * 6u + y, tx * 6u + x, c4, o[y][x]);
      }
    }
  }
}
