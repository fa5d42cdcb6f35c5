// The feature-space scale pyramid (spec 4.2) in one pass, as one stack of three F x F maps that
// xcorr reads in one dispatch: level 1 is the (F+2)-resize centre-cropped to F, level 2 the map
// itself, level 3 the (F-2)-resize zero-padded to F. The resized levels are bilinear gathers
// through per-axis taps built on the host, which fold the crop and the pad in (zero weights on
// level 3's border), so neither intermediate size exists on the GPU.
// A batch of targets, one per workgroup z, shares F (one backbone's maps) but not the channels.

struct Params {
  F: u32,
}

struct Target {
  C4: u32,      // channels / 4
  src: u32,     // vec4 offset of the target's map
  levels: u32,  // vec4 offset of its stack of three
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
// F taps for level 1, then F for level 3: (index0, index1, weight0, weight1).
@group(0) @binding(2) var<storage, read> taps: array<vec4f>;
// Per target [3][F][F][C]: x45/47, x1, x45/43.
@group(0) @binding(3) var<storage, read_write> levels: array<vec4f>;
@group(0) @binding(4) var<storage, read> targets: array<Target>;

override WG: u32 = 16;

fn at(t: Target, y: f32, x: f32, c4: u32) -> vec4f {
  return src[t.src + (u32(y) * params.F + u32(x)) * t.C4 + c4];
}

// PyTorch's order: each source row along x, then the two rows.
fn bilinear(t: Target, ty: vec4f, tx: vec4f, c4: u32) -> vec4f {
  let row0 = tx.z * at(t, ty.x, tx.x, c4) + tx.w * at(t, ty.x, tx.y, c4);
  let row1 = tx.z * at(t, ty.y, tx.x, c4) + tx.w * at(t, ty.y, tx.y, c4);
  return ty.z * row0 + ty.w * row1;
}

// A workgroup per output row and lanes across channels: every tap-table load and the row and
// column indices are the same for all lanes, so only the feature loads differ between lanes.
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wg: vec3u) {
  let t = targets[wg.z];
  let F = params.F;
  let level = F * F * t.C4;
  let y = wg.x;
  let upY = taps[y];
  let downY = taps[F + y];
  for (var x = 0u; x < F; x++) {
    let upX = taps[x];
    let downX = taps[F + x];
    for (var c4 = lid; c4 < t.C4; c4 += WG) {
      let i = (y * F + x) * t.C4 + c4;
      levels[t.levels + i] = bilinear(t, upY, upX, c4);
      levels[t.levels + level + i] = src[t.src + i];
      levels[t.levels + 2u * level + i] = bilinear(t, downY, downX, c4);
    }
  }
}
