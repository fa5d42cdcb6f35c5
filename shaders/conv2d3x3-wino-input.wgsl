// Winograd F(6x6, 3x3) input transform. Every 8x8 input patch d (tiles 6 apart, one vec4 of
// channels) becomes B^T d B, and its 64 values go to 64 separate GEMM operands:
// V[pos][tile][c4], pos = 8 a + b. Patches reach past the map's zero border on the bottom and
// right when the size is not 6k: those cells read as zero. A batch of maps, one after another in
// `input`, gives one GEMM over all their tiles: tile t is tile t % tiles of map t / tiles.

struct Params {
  width: u32,    // interior width of the input map (it is (height + 2) x (width + 2) with the border)
  height: u32,
  cin4: u32,
  tilesX: u32,
  tiles: u32,    // tilesY * tilesX, per map
  batch: u32,    // maps in the input
  tilesPad: u32, // rows of each V matrix: tiles * batch rounded up to the GEMM's row block; extra rows are zero
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> v: array<vec4f>;

override WG: u32 = 64;

// B^T for the interpolation points 0, 1, -1, 1/2, -1/2, 2, -2 and infinity, with the rows paired
// so that each pair shares its even and odd halves.
fn bt(d: array<vec4f, 8>) -> array<vec4f, 8> {
  let e1 = d[2] + d[6] - 4.25 * d[4];
  let o1 = d[1] + d[5] - 4.25 * d[3];
  let e2 = 0.25 * d[2] - 1.25 * d[4] + d[6];
  let o2 = 0.5 * d[1] - 2.5 * d[3] + 2.0 * d[5];
  let e3 = 4.0 * d[2] - 5.0 * d[4] + d[6];
  let o3 = 2.0 * d[1] - 2.5 * d[3] + 0.5 * d[5];
  return array<vec4f, 8>(
    d[0] - d[6] + 5.25 * (d[4] - d[2]),
    e1 + o1,
    e1 - o1,
    e2 + o2,
    e2 - o2,
    e3 + o3,
    e3 - o3,
    d[7] - d[1] + 5.25 * (d[3] - d[5]),
  );
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= p.tilesPad * p.cin4) {
    return;
  }
  // Channels vary fastest between invocations, so neighbouring lanes touch neighbouring memory.
  let c4 = i % p.cin4;
  let t = i / p.cin4;
  var rows: array<array<vec4f, 8>, 8>;
  if (t < p.tiles * p.batch) {
    // Tile corner in padded coordinates: output row 6 ty needs input rows 6 ty - 1 .. 6 ty + 6.
    let tile = t % p.tiles;
    let y0 = (tile / p.tilesX) * 6u;
    let x0 = (tile % p.tilesX) * 6u;
    let rowLen = p.width + 2u;
    let base = (t / p.tiles) * (p.height + 2u) * rowLen * p.cin4;
    for (var y = 0u; y < 8u; y++) {
      var d: array<vec4f, 8>;
      if (y0 + y < p.height + 2u) {
        for (var x = 0u; x < 8u; x++) {
          if (x0 + x < rowLen) {
            d[x] = input[base + ((y0 + y) * rowLen + x0 + x) * p.cin4 + c4];
          }
        }
      }
      rows[y] = bt(d);
    }
  }
  for (var b = 0u; b < 8u; b++) {
    let col = bt(array<vec4f, 8>(rows[0][b], rows[1][b], rows[2][b], rows[3][b], rows[4][b], rows[5][b], rows[6][b], rows[7][b]));
    for (var a = 0u; a < 8u; a++) {
      v[((a * 8u + b) * p.tilesPad + t) * p.cin4 + c4] = col[a];
    }
  }
}
