// Selected-channel gather (spec 3.4) for a batch of targets, one per workgroup z: target t's out
// channel k is conv4_3 channel lists[t.lists + k] for k < n43, then conv4_1 channel
// lists[t.lists + k] times t's balance factor, then zeros up to the vec4 padding. Reads a window
// (y0, x0) of the target's map of the sources (base41, base43: its slot of the backbone batch), so
// the template patch comes from the same kernel; source pixels outside the map read as zero.
// Targets differ in channels and window: each invocation owns one output pixel of its target and
// walks its channels, so the table is read once per pixel, and invocations past their target's
// pixels return.
struct Params {
  height: u32, width: u32,
  pad41: u32, channels41: u32, pad43: u32, channels43: u32,
}

struct Target {
  base41: u32, base43: u32,
  lists: u32, n43: u32, n41: u32, scale: f32,
  y0: i32, x0: i32, outHeight: u32, outWidth: u32, outC4: u32,
  out: u32,  // vec4 offset of the target's output map
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src41: array<f32>;
@group(0) @binding(2) var<storage, read> src43: array<f32>;
@group(0) @binding(3) var<storage, read> lists: array<u32>;
@group(0) @binding(4) var<storage, read> targets: array<Target>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;

fn channel(t: Target, k: u32, at41: u32, at43: u32) -> f32 {
  if (k < t.n43) {
    return src43[at43 + lists[t.lists + k]];
  }
  if (k < t.n43 + t.n41) {
    return t.scale * src41[at41 + lists[t.lists + k]];
  }
  return 0.0;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  // By workgroup id, which the compiler knows is the same for all lanes: the table's fields stay uniform.
  let t = targets[wg.z];
  let pixel = gid.x + gid.y * groups.x * 64u;
  if (pixel >= t.outHeight * t.outWidth) { return; }
  let sy = t.y0 + i32(pixel / t.outWidth);
  let sx = t.x0 + i32(pixel % t.outWidth);
  let at = t.out + pixel * t.outC4;
  if (sy < 0 || sy >= i32(p.height) || sx < 0 || sx >= i32(p.width)) {
    for (var k4 = 0u; k4 < t.outC4; k4++) { out[at + k4] = vec4f(0.0); }
    return;
  }
  let at41 = t.base41 + ((u32(sy) + p.pad41) * (p.width + 2u * p.pad41) + u32(sx) + p.pad41) * p.channels41;
  let at43 = t.base43 + ((u32(sy) + p.pad43) * (p.width + 2u * p.pad43) + u32(sx) + p.pad43) * p.channels43;
  for (var k4 = 0u; k4 < t.outC4; k4++) {
    let k = k4 * 4u;
    out[at + k4] = vec4f(channel(t, k, at41, at43), channel(t, k + 1u, at41, at43),
                         channel(t, k + 2u, at41, at43), channel(t, k + 3u, at41, at43));
  }
}
