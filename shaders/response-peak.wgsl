// The fused tail of a frame (spec 4.3-4.4): normalise the three F x F xcorr maps by their
// global max, upsample each to S x S (bicubic), add the 2-D Hann window, and reduce every map to
// (max, argmax). The S x S maps are never stored: the separable upsample keeps only the S x F
// column-pass result, and the row pass feeds each pixel straight into a running max.
// One binding set, four pipelines chosen by PASS:
//   0  global max of the maps (one workgroup)
//   1  column pass: rows[y][j] = sum_k wy[k] maps[base_y + k][j] / divisor, three maps in xyz
//   2  row pass + window per pixel, running (max, index) per lane, one partial per workgroup
//   3  reduce the partials (one workgroup)
// Grids are fixed and loop over S-dependent work, so S changes per frame through the table only.
// A batch of targets (one backbone's: the same F) runs in the same dispatches, one per workgroup
// z; each has its own S, tap table, rows, partials and result.

struct Params {
  F: u32,
  columnMajor: u32, // ties: first pixel in column-major order (official), else row-major
  segment: u32,     // pass 2 tile width along x
  partials: u32,    // pass 2 workgroups per target
}

struct Target {
  S: u32,
  K4: u32,          // taps per output / 4 (zero-padded)
  tilesX: u32,      // ceil(S / segment)
  tiles: u32,       // ceil(S / WG) * tilesX
  axis: u32,        // vec4 offset of the target's tap table
  rows: u32,        // vec4 offset of its column-pass rows
}

@group(0) @binding(0) var<uniform> params: Params;
// Per target, its three F x F maps.
@group(0) @binding(1) var<storage, read> maps: array<f32>;
// Per output index d (both axes: the window is square): (base, hann[d], 0, 0), then K4 vec4 of
// weights for inputs base, base + 1, ... Built on the host (src/reference/interp.ts).
@group(0) @binding(2) var<storage, read> axis: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> rows: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> partials: array<vec2u>;
// Per target, 12 words: per map (max bits, y, x); then the global max and the divisor used (bits).
@group(0) @binding(5) var<storage, read_write> result: array<u32>;
@group(0) @binding(6) var<storage, read> targets: array<Target>;

override PASS: u32;
override WG: u32 = 8;

const LOWEST = -3.4028234e38f;
const NONE = 0xffffffffu;

var<workgroup> bestValue: array<vec3f, WG>;
var<workgroup> bestIndex: array<vec3u, WG>;
// This invocation's running best per map.
var<private> best = vec3f(LOWEST);
var<private> bestAt = vec3u(NONE);

// The tie rule that makes the result independent of the order of reduction.
fn better(v: vec3f, i: vec3u, bv: vec3f, bi: vec3u) -> vec3<bool> {
  return (v > bv) | ((v == bv) & (i < bi));
}

fn offer(v: vec3f, at: vec3u) {
  let b = better(v, at, best, bestAt);
  best = select(best, v, b);
  bestAt = select(bestAt, at, b);
}

// Leaves the workgroup's best (value, index) per map in bestValue[0], bestIndex[0].
fn reduceWorkgroup(lid: u32) {
  bestValue[lid] = best;
  bestIndex[lid] = bestAt;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      let b = better(bestValue[lid + half], bestIndex[lid + half], bestValue[lid], bestIndex[lid]);
      bestValue[lid] = select(bestValue[lid], bestValue[lid + half], b);
      bestIndex[lid] = select(bestIndex[lid], bestIndex[lid + half], b);
    }
    workgroupBarrier();
  }
}

fn globalMax(ti: u32, lid: u32) {
  let base = ti * 3u * params.F * params.F;
  var m = LOWEST;
  for (var i = lid; i < 3u * params.F * params.F; i += WG) {
    m = max(m, maps[base + i]);
  }
  best = vec3f(m);
  bestAt = vec3u(0u);
  reduceWorkgroup(lid);
  if (lid == 0u) {
    // The references divide by max(map); a max <= 0 (all-zero or all-negative maps, the zero
    // border makes it 0 at most) would give inf/NaN or flip the order, so then divide by 1.
    let g = bestValue[0].x;
    result[ti * 12u + 9u] = bitcast<u32>(g);
    result[ti * 12u + 10u] = bitcast<u32>(select(1.0, g, g > 0.0));
  }
}

// Workgroups stride over output rows y (their taps load once for all lanes); lanes over columns j.
fn columnPass(ti: u32, t: Target, wg: u32, lid: u32, groups: u32) {
  let F = params.F;
  let plane = F * F;
  let first = ti * 3u * plane;
  let stride = 1u + t.K4;
  let divisor = bitcast<f32>(result[ti * 12u + 10u]);
  for (var y = wg; y < t.S; y += groups) {
    let base = u32(axis[t.axis + y * stride].x);
    for (var j = lid; j < F; j += WG) {
      var acc = vec4f(0.0);
      for (var k4 = 0u; k4 < t.K4; k4++) {
        let w = axis[t.axis + y * stride + 1u + k4];
        for (var c = 0u; c < 4u; c++) {
          let at = first + min(base + k4 * 4u + c, F - 1u) * F + j;
          acc += w[c] * (vec4f(maps[at], maps[plane + at], maps[2u * plane + at], 0.0) / divisor);
        }
      }
      rows[t.rows + y * F + j] = acc;
    }
  }
}

// A tile is WG rows (one per lane) by `segment` columns walked left to right by every lane at
// once, so the column taps are the same for all lanes (loaded once), and each lane keeps its four
// input cells in registers, loading a new one only when the tap window moves.
fn pixelPass(ti: u32, t: Target, wg: u32, lid: u32, groups: u32) {
  let S = t.S;
  let F = params.F;
  let stride = 1u + t.K4;
  for (var tile = wg; tile < t.tiles; tile += groups) {
    let y = (tile / t.tilesX) * WG + lid;
    let xa = (tile % t.tilesX) * params.segment;
    if (y < S) {
      let hy = axis[t.axis + y * stride].y;
      let row = t.rows + y * F;
      var cached = NONE;
      var t0 = vec4f(0.0);
      var t1 = vec4f(0.0);
      var t2 = vec4f(0.0);
      var t3 = vec4f(0.0);
      // Within a tile a lane walks one row left to right, which is increasing order in both tie
      // orders: a strict > keeps the first maximum, and the index rule is needed only across tiles.
      var tileBest = vec3f(LOWEST);
      var tileX = vec3u(NONE);
      for (var x = xa; x < min(xa + params.segment, S); x++) {
        let head = axis[t.axis + x * stride];
        let bx = u32(head.x);
        var acc = vec4f(0.0);
        if (t.K4 == 1u) {
          if (cached != NONE && bx == cached + 1u) {
            t0 = t1;
            t1 = t2;
            t2 = t3;
            t3 = rows[row + min(bx + 3u, F - 1u)];
          } else if (bx != cached) {
            t0 = rows[row + bx];
            t1 = rows[row + min(bx + 1u, F - 1u)];
            t2 = rows[row + min(bx + 2u, F - 1u)];
            t3 = rows[row + min(bx + 3u, F - 1u)];
          }
          cached = bx;
          let w = axis[t.axis + x * stride + 1u];
          acc = w.x * t0 + w.y * t1 + w.z * t2 + w.w * t3;
        } else {
          for (var k4 = 0u; k4 < t.K4; k4++) {
            let w = axis[t.axis + x * stride + 1u + k4];
            for (var c = 0u; c < 4u; c++) {
              acc += w[c] * rows[row + min(bx + k4 * 4u + c, F - 1u)];
            }
          }
        }
        let v = acc.xyz + vec3f(hy * head.y);
        let b = v > tileBest;
        tileBest = select(tileBest, v, b);
        tileX = select(tileX, vec3u(x), b);
      }
      offer(tileBest, select(y * S + tileX, tileX * S + y, params.columnMajor == 1u));
    }
  }
  reduceWorkgroup(lid);
  if (lid == 0u) {
    for (var s = 0u; s < 3u; s++) {
      partials[(ti * params.partials + wg) * 3u + s] = vec2u(bitcast<u32>(bestValue[0][s]), bestIndex[0][s]);
    }
  }
}

fn finalPass(ti: u32, t: Target, lid: u32) {
  for (var p = lid; p < params.partials; p += WG) {
    let at = (ti * params.partials + p) * 3u;
    let a = partials[at];
    let b = partials[at + 1u];
    let c = partials[at + 2u];
    offer(bitcast<vec3f>(vec3u(a.x, b.x, c.x)), vec3u(a.y, b.y, c.y));
  }
  reduceWorkgroup(lid);
  if (lid == 0u) {
    for (var s = 0u; s < 3u; s++) {
      let at = bestIndex[0][s];
      let major = at / t.S;
      let minor = at % t.S;
      let columnMajor = params.columnMajor == 1u;
      let r = ti * 12u + s * 3u;
      result[r] = bitcast<u32>(bestValue[0][s]);
      result[r + 1u] = select(major, minor, columnMajor);
      result[r + 2u] = select(minor, major, columnMajor);
    }
  }
}

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wg: vec3u,
  @builtin(num_workgroups) groups: vec3u,
) {
  let ti = wg.z;
  let t = targets[ti];
  switch PASS {
    case 0u: {
      globalMax(ti, lid);
    }
    case 1u: {
      columnPass(ti, t, wg.x, lid, groups.x);
    }
    case 2u: {
      pixelPass(ti, t, wg.x, lid, groups.x);
    }
    default: {
      finalPass(ti, t, lid);
    }
  }
}
