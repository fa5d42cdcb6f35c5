// Ranking samples, step 2 of 2, fused with the scorer: resample t (ranking.wgsl) along y for patch
// row r and take the dot product with the scorer weights W[r][q][c]. Workgroup = (sample j, row r);
// the 8 lanes split the channels and each writes its partial sum to partial[(j fh + r) 8 + lane].
// The host adds the partials in float64: f_j, one scalar per sample.
struct Params { height: u32, c4: u32, fh: u32, fw: u32, samples: u32, infoBase: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> t: array<vec4f>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read> info: array<vec2u>;
@group(0) @binding(4) var<storage, read> taps: array<vec2u>;
@group(0) @binding(5) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(8)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
        @builtin(num_workgroups) groups: vec3u) {
  let group = wid.x + wid.y * groups.x;
  if (group >= p.samples * p.fh) { return; }
  let j = group / p.fh;
  let r = group % p.fh;
  let e = info[p.infoBase + group];
  var acc = 0.0;
  for (var c = lid.x; c < p.c4; c += 8u) {
    for (var q = 0u; q < p.fw; q++) {
      var v = vec4f(0.0);
      for (var k = e.x; k < e.x + e.y; k++) {
        let tap = taps[k];
        v += bitcast<f32>(tap.y) * t[((j * p.height + tap.x) * p.fw + q) * p.c4 + c];
      }
      acc += dot(w[(r * p.fw + q) * p.c4 + c], v);
    }
  }
  partial[group * 8u + lid.x] = acc;
}
