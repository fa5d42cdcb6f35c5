// One 1-D pass of Matlab imresize on uint8 bytes: out[a][d][i] = round(sum_k w[d][k] *
// in[a][base[d] + k][i]), saturated to 0..255. Run along rows then along columns (Matlab's order
// for equal scales), with a uint8 image in between as Matlab has. Taps are dense windows built
// on the host (Keys cubic, antialiased when shrinking, mirrored border folded in).

struct Params {
  lenIn: u32,
  lenOut: u32,
  inner: u32,  // bytes per step along the axis: W*3 for the row pass, 3 for the column pass
  K4: u32,     // taps per output / 4, zero-padded
  total: u32,  // output bytes
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
// Per output position d: (base index, 0, 0, 0), then K4 vec4 of weights.
@group(0) @binding(2) var<storage, read> taps: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;

override WG: u32 = 64;
// The row pass: 4 output bytes of a word usually share d and read 4 consecutive source bytes.
override ROWS: bool = true;

// Source bytes i..i+3 from the (at most) two words they straddle; `last` is the byte the caller
// needs last (i+2 for a pixel), so that no word past it is read.
fn bytes4(i: u32, last: u32) -> vec4f {
  let lo = src[i >> 2u];
  let hi = src[last >> 2u];
  let shift = (i & 3u) * 8u;
  let bits = select((lo >> shift) | (hi << (32u - shift)), lo, shift == 0u);
  return vec4f(vec4u(bits, bits >> 8u, bits >> 16u, bits >> 24u) & vec4u(255u));
}

// Matlab's uint8 conversion: halves away from zero (the sum is >= 0 wherever it rounds), saturated.
fn toU8(v: vec4f) -> vec4u {
  return vec4u(clamp(floor(v + 0.5), vec4f(0.0), vec4f(255.0)));
}

// Output bytes o..o+n-1 (n <= 4) that share the position d: the first at offset i within its step.
fn resampled(o: u32, n: u32) -> vec4u {
  let i = o % params.inner;
  let t = o / params.inner;
  let d = t % params.lenOut;
  let a = t / params.lenOut;
  let row = d * (params.K4 + 1u);
  let base = u32(taps[row].x);
  var acc = vec4f(0.0);
  for (var k4 = 0u; k4 < params.K4; k4++) {
    let w = taps[row + 1u + k4];
    for (var c = 0u; c < 4u; c++) {
      // Padded taps have weight 0; clamp their reads into the source.
      let at = (a * params.lenIn + min(base + k4 * 4u + c, params.lenIn - 1u)) * params.inner + i;
      acc += w[c] * bytes4(at, at + n - 1u);
    }
  }
  return toU8(acc);
}

fn pack(b: vec4u) -> u32 {
  return b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = gid.x + gid.y * groups.x * WG;
  if (ROWS) {
    // One whole output word per invocation, so invocations never share a word.
    let o = g * 4u;
    if (o >= params.total) {
      return;
    }
    if (o % params.inner + 4u <= params.inner) {
      dst[g] = pack(resampled(o, 4u));
      return;
    }
    var word = 0u;
    for (var b = 0u; b < 4u && o + b < params.total; b++) {
      word |= resampled(o + b, 1u).x << (b * 8u);
    }
    dst[g] = word;
    return;
  }
  // The column pass: four pixels (12 bytes, three whole words) per invocation, each pixel's
  // taps loaded once for its three channels.
  let pixels = params.total / 3u;
  if (g * 4u >= pixels) {
    return;
  }
  var words = vec3u(0u);
  for (var k = 0u; k < 4u && g * 4u + k < pixels; k++) {
    let v = resampled((g * 4u + k) * 3u, 3u);
    for (var c = 0u; c < 3u; c++) {
      let b = k * 3u + c;
      words[b >> 2u] |= v[c] << ((b & 3u) * 8u);
    }
  }
  let n = (params.total + 3u) / 4u;
  for (var i = 0u; i < 3u; i++) {
    if (g * 3u + i < n) {
      dst[g * 3u + i] = words[i];
    }
  }
}
