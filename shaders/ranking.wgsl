// Ranking samples, step 1 of 2 (spec 3.3): every sample resizes the whole map to s x s and keeps a
// centred fh x fw patch. The resize is separable, so this pass only resamples along x, for the fw
// patch columns of every sample: t[j][y][q][c] = sum_taps w * X[y][col][c]. Tap lists (bilinear
// align-corners or Matlab bicubic with antialiasing) come from the host: info[j*fw + q] = (first
// tap, tap count), taps = (column, bitcast weight).
struct Params { height: u32, width: u32, pad: u32, c4: u32, fw: u32, count: u32, infoBase: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> map: array<vec4f>;
@group(0) @binding(2) var<storage, read> info: array<vec2u>;
@group(0) @binding(3) var<storage, read> taps: array<vec2u>;
@group(0) @binding(4) var<storage, read_write> t: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= p.count) { return; }
  let c = i % p.c4;
  let q = (i / p.c4) % p.fw;
  let y = (i / (p.c4 * p.fw)) % p.height;
  let j = i / (p.c4 * p.fw * p.height);
  let e = info[p.infoBase + j * p.fw + q];
  let row = (y + p.pad) * (p.width + 2u * p.pad) + p.pad;
  var acc = vec4f(0.0);
  for (var k = e.x; k < e.x + e.y; k++) {
    let tap = taps[k];
    acc += bitcast<f32>(tap.y) * map[(row + tap.x) * p.c4 + c];
  }
  t[i] = acc;
}
