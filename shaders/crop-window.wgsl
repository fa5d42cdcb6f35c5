// Two-tap separable gather from a packed RGB8 frame. Serves the fused search-window crop
// (replicate border) + bilinear resize + (-128) into the network input, and the pytorch-port
// whole-frame rescale (cv2 INTER_LINEAR). Indices and weights come from per-axis tables built on
// the host (src/reference/interp.ts): they carry the window offset, the border clamping and cv2's
// rounded 11-bit weights, which need double precision to reproduce.
//
// One lane per output row; all lanes walk their rows left to right in step, so the column taps
// are the same for every lane (one load serves all), and each lane keeps its four source pixels
// in registers, loading new ones only when the column taps move.

struct Params {
  width: u32,  // source frame width in pixels
  outW: u32,
  outH: u32,
  dstBase: u32, // first word written: a map in a batch of maps (several targets' windows)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> frame: array<u32>;
// outW column taps, then outH row taps: (index0, index1, weight0, weight1).
@group(0) @binding(2) var<storage, read> taps: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;

// cv2's fixed point (pytorch-port) or float weights applied to (pixel - 128) (official, Matlab).
override FIXED: bool = true;
// Packed RGB8 output (frame rescale) or a 4-channel f32 FeatureMap with a 1-cell zero border.
override PACKED: bool = false;
override WG: u32 = 8;

const NONE = 0xffffffffu;

// Bytes 3p..3p+2 straddle at most two words.
fn rgb(p: u32) -> vec3i {
  let b = p * 3u;
  let lo = frame[b >> 2u];
  let hi = frame[(b + 2u) >> 2u];
  let shift = (b & 3u) * 8u;
  let bits = select((lo >> shift) | (hi << (32u - shift)), lo, shift == 0u);
  return vec3i(vec3u(bits, bits >> 8u, bits >> 16u) & vec3u(255u));
}

// The source pixels of one output pixel: rows r0, r1 by columns c0, c1.
struct Quad {
  p00: vec3i,
  p01: vec3i,
  p10: vec3i,
  p11: vec3i,
}

fn quad(tx: vec4f, ty: vec4f) -> Quad {
  let r0 = u32(ty.x) * params.width;
  let r1 = u32(ty.y) * params.width;
  return Quad(rgb(r0 + u32(tx.x)), rgb(r0 + u32(tx.y)), rgb(r1 + u32(tx.x)), rgb(r1 + u32(tx.y)));
}

fn blend(q: Quad, tx: vec4f, ty: vec4f) -> vec3f {
  if (FIXED) {
    // cv2: horizontal sums exact in int32 (value * 2048), then the vertical pass's SIMD rounding.
    let h0 = q.p00 * i32(tx.z) + q.p01 * i32(tx.w);
    let h1 = q.p10 * i32(tx.z) + q.p11 * i32(tx.w);
    let v = ((((h0 >> vec3u(4u)) * i32(ty.z)) >> vec3u(16u)) + (((h1 >> vec3u(4u)) * i32(ty.w)) >> vec3u(16u)) + 2) >> vec3u(2u);
    return vec3f(clamp(v, vec3i(0), vec3i(255))) - select(128.0, 0.0, PACKED);
  }
  // Matlab imresize: single(img) - 128 first, then rows, then columns.
  let col0 = ty.z * (vec3f(q.p00) - 128.0) + ty.w * (vec3f(q.p10) - 128.0);
  let col1 = ty.z * (vec3f(q.p01) - 128.0) + ty.w * (vec3f(q.p11) - 128.0);
  return tx.z * col0 + tx.w * col1;
}

// This lane's row taps and the column pair whose pixels `cached` holds.
var<private> ty: vec4f;
var<private> cached: Quad;
var<private> c0 = NONE;
var<private> c1 = NONE;

// Output pixel x of this lane's row. Moving one source column to the right (the common step when
// enlarging) reuses the right-hand pixels as the new left-hand ones.
fn pixel(x: u32) -> vec3f {
  let tx = taps[x];
  let n0 = u32(tx.x);
  let n1 = u32(tx.y);
  if (n0 != c0 || n1 != c1) {
    let r0 = u32(ty.x) * params.width;
    let r1 = u32(ty.y) * params.width;
    if (n0 == c1) {
      cached.p00 = cached.p01;
      cached.p10 = cached.p11;
    } else {
      cached.p00 = rgb(r0 + n0);
      cached.p10 = rgb(r1 + n0);
    }
    cached.p01 = rgb(r0 + n1);
    cached.p11 = rgb(r1 + n1);
    c0 = n0;
    c1 = n1;
  }
  return blend(cached, tx, ty);
}

// Pixel x of this lane's row y, or past the row end the next row's first pixels (which complete
// the last word this lane owns), as bytes.
fn rowPixel(x: u32, y: u32) -> vec3u {
  let W = params.outW;
  if (x < W) {
    return vec3u(pixel(x));
  }
  if (y + 1u >= params.outH) {
    return vec3u(0u);
  }
  let tx = taps[x - W];
  let next = taps[W + y + 1u];
  return vec3u(blend(quad(tx, next), tx, next));
}

// Four RGB8 pixels as three little-endian words.
fn packFour(a: vec3u, b: vec3u, c: vec3u, d: vec3u) -> vec3u {
  return vec3u(
    a.x | (a.y << 8u) | (a.z << 16u) | (b.x << 24u),
    b.y | (b.z << 8u) | (c.x << 16u) | (c.y << 24u),
    c.z | (d.x << 8u) | (d.y << 16u) | (d.z << 24u),
  );
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3u) {
  let y = wg.x * WG + lid;
  if (y >= params.outH) {
    return;
  }
  let W = params.outW;
  ty = taps[W + y];
  if (!PACKED) {
    for (var x = 0u; x < W; x++) {
      let v = pixel(x);
      let at = params.dstBase + ((y + 1u) * (W + 2u) + x + 1u) * 4u;
      dst[at] = bitcast<u32>(v.x);
      dst[at + 1u] = bitcast<u32>(v.y);
      dst[at + 2u] = bitcast<u32>(v.z);
      dst[at + 3u] = 0u;
    }
    return;
  }
  // Rows need not start on a word: a row starting `o` bytes into a word leaves that word to the
  // previous row's lane, which computes the first pixel of this row to complete it. Groups of 4
  // pixels are 12 bytes, so `o` stays the same along the row: each group's three aligned words
  // are shifted by o bytes, carrying the top o bytes into the next word.
  let rowBytes = W * 3u;
  let o = (y * rowBytes) & 3u;
  let up = o * 8u;
  let down = 32u - up;
  let owned = (y * rowBytes + 3u) >> 2u;
  let end = min(((y + 1u) * rowBytes + 3u) >> 2u, (params.outH * rowBytes + 3u) >> 2u);
  var word = (y * rowBytes) >> 2u;
  var carry = 0u;
  for (var x = 0u; word < end; x += 4u) {
    let g = packFour(rowPixel(x, y), rowPixel(x + 1u, y), rowPixel(x + 2u, y), rowPixel(x + 3u, y));
    let shifted = select(vec3u(g.x << up, (g.x >> down) | (g.y << up), (g.y >> down) | (g.z << up)), g, o == 0u);
    let out = shifted | vec3u(carry, 0u, 0u);
    carry = select(g.z >> down, 0u, o == 0u);
    for (var i = 0u; i < 3u; i++) {
      if (word + i >= owned && word + i < end) {
        dst[params.dstBase + word + i] = out[i];
      }
    }
    word += 3u;
  }
}
