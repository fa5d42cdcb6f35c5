// Winograd F(4x4, 3x3) input transform. Every 6x6 input patch d (tiles 4 apart, one vec4 of
// channels) becomes B^T d B, and its 36 values go to 36 separate GEMM operands:
// V[pos][tile][c4], pos = 6 a + b. Patches reach past the map's zero border on the bottom and
// right when the size is not 4k: those cells read as zero. A batch of maps, one after another in
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

fn bt(d: array<vec4f, 6>) -> array<vec4f, 6> {
  return array<vec4f, 6>(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    2.0 * (d[3] - d[1]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
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
  var rows: array<array<vec4f, 6>, 6>;
  if (t < p.tiles * p.batch) {
    // Tile corner in padded coordinates: output row 4 ty needs input rows 4 ty - 1 .. 4 ty + 4.
    let tile = t % p.tiles;
    let y0 = (tile / p.tilesX) * 4u;
    let x0 = (tile % p.tilesX) * 4u;
    let rowLen = p.width + 2u;
    let base = (t / p.tiles) * (p.height + 2u) * rowLen * p.cin4;
    for (var y = 0u; y < 6u; y++) {
      var d: array<vec4f, 6>;
      if (y0 + y < p.height + 2u) {
        for (var x = 0u; x < 6u; x++) {
          if (x0 + x < rowLen) {
            d[x] = input[base + ((y0 + y) * rowLen + x0 + x) * p.cin4 + c4];
          }
        }
      }
      rows[y] = bt(d);
    }
  }
  for (var b = 0u; b < 6u; b++) {
    let col = bt(array<vec4f, 6>(rows[0][b], rows[1][b], rows[2][b], rows[3][b], rows[4][b], rows[5][b]));
    for (var a = 0u; a < 6u; a++) {
      v[((a * 6u + b) * p.tilesPad + t) * p.cin4 + c4] = col[a];
    }
  }
}
