// Winograd F(4x4, 3x3) output transform fused with bias and ReLU: the 36 GEMM results of a tile
// give A^T M A, a 4x4 block of outputs, written into the interior of a zero-bordered map. With
// POOL the block's four 2x2 quads are max-pooled first (max and ReLU commute, and the bias is
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

fn at(m: array<vec4f, 6>) -> array<vec4f, 4> {
  return array<vec4f, 4>(
    m[0] + m[1] + m[2] + m[3] + m[4],
    m[1] - m[2] + 2.0 * (m[3] - m[4]),
    m[1] + m[2] + 4.0 * (m[3] + m[4]),
    m[1] - m[2] + 8.0 * (m[3] - m[4]) + m[5],
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
  var rows: array<array<vec4f, 4>, 6>;
  for (var a = 0u; a < 6u; a++) {
    var r: array<vec4f, 6>;
    for (var b = 0u; b < 6u; b++) {
      r[b] = m[((a * 6u + b) * p.tilesPad + t) * p.n4 + c4];
    }
    rows[a] = at(r);
  }
  let bc = bias[c4];
  var o: array<array<vec4f, 4>, 4>;
  for (var x = 0u; x < 4u; x++) {
    let col = at(array<vec4f, 6>(rows[0][x], rows[1][x], rows[2][x], rows[3][x], rows[4][x], rows[5][x]));
    for (var y = 0u; y < 4u; y++) {
      o[y][x] = max(col[y] + bc, vec4f(0.0));
    }
  }
  let tile = t % p.tiles;
  let ty = tile / p.tilesX;
  let tx = tile % p.tilesX;
  let base = (t / p.tiles) * (p.outHeight + 2u) * (p.outWidth + 2u) * p.cout4;
  if (POOL) {
    for (var y = 0u; y < 2u; y++) {
      for (var x = 0u; x < 2u; x++) {
        let q = max(max(o[2u * y][2u * x], o[2u * y][2u * x + 1u]), max(o[2u * y + 1u][2u * x], o[2u * y + 1u][2u * x + 1u]));
        store(base, ty * 2u + y, tx * 2u + x, c4, q);
      }
    }
  } else {
    for (var y = 0u; y < 4u; y++) {
      for (var x = 0u; x < 4u; x++) {
        store(base, ty * 4u + y, tx * 4u + x, c4, o[y][x]);
      }
    }
  }
}
