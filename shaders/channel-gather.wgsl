// Selected-channel gather (spec 3.4): out channel k is conv4_3 channel list43[k] for k < n43, then
// conv4_1 channel list41[k - n43] times the balance factor, then zeros up to the vec4 padding.
// Reads a window (y0, x0) of the sources so the template patch comes from the same kernel; source
// pixels outside the map read as zero. Writes the whole output, its zero border included. The
// sources may be one map of a batch (several targets' windows): base41 and base43 are its offsets.
struct Params {
  outHeight: u32, outWidth: u32, outPad: u32, outC4: u32,
  y0: i32, x0: i32, height: u32, width: u32,
  pad41: u32, channels41: u32, pad43: u32, channels43: u32,
  n41: u32, n43: u32, identity43: u32, scale: f32,
  count: u32, base41: u32, base43: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src41: array<f32>;
@group(0) @binding(2) var<storage, read> src43: array<f32>;
@group(0) @binding(3) var<storage, read> list41: array<u32>;
@group(0) @binding(4) var<storage, read> list43: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;

fn channel(k: u32, sy: u32, sx: u32, scale: f32) -> f32 {
  if (k < p.n43) {
    var c = k;
    if (p.identity43 == 0u) { c = list43[k]; }
    return src43[p.base43 + ((sy + p.pad43) * (p.width + 2u * p.pad43) + sx + p.pad43) * p.channels43 + c];
  }
  if (k < p.n43 + p.n41) {
    let c = list41[k - p.n43];
    return scale * src41[p.base41 + ((sy + p.pad41) * (p.width + 2u * p.pad41) + sx + p.pad41) * p.channels41 + c];
  }
  return 0.0;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= p.count) { return; }
  let k4 = i % p.outC4;
  let pixel = i / p.outC4;
  let rowWidth = p.outWidth + 2u * p.outPad;
  let oy = i32(pixel / rowWidth) - i32(p.outPad);
  let ox = i32(pixel % rowWidth) - i32(p.outPad);
  let sy = p.y0 + oy;
  let sx = p.x0 + ox;
  var v = vec4f(0.0);
  let inside = oy >= 0 && oy < i32(p.outHeight) && ox >= 0 && ox < i32(p.outWidth);
  if (inside && sy >= 0 && sy < i32(p.height) && sx >= 0 && sx < i32(p.width)) {
    let scale = p.scale;
    let k = k4 * 4u;
    v = vec4f(channel(k, u32(sy), u32(sx), scale), channel(k + 1u, u32(sy), u32(sx), scale),
              channel(k + 2u, u32(sy), u32(sx), scale), channel(k + 3u, u32(sy), u32(sx), scale));
  }
  out[i] = v;
}
