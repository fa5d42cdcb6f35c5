// Valid cross-correlation of each search map X of a stack (levels x F x F x C, HWC) with the
// template Z (ph x pw x C), summed over channels, written into the interior of zero F x F maps.
// One dispatch for all levels (workgroup z): three times the workgroups of one level, which keeps
// both llvmpipe threads busy where one level's 9 workgroups left them waiting on each other.
//
// Lavapipe pays per load statement, and a load whose address differs between lanes (X here)
// costs several times one that all lanes share (Z: it depends only on loop counters). So an
// invocation owns a 2 x 7 block of outputs: along a row of X it slides a 7-vec4 window (one new
// X load per template column) and meets it with the Z vec4 of each of the two template rows
// that pair that X row with its two output rows. 1 divergent load per 14 dot products; measured
// twice as fast as 1 x 4 blocks. 7 also divides the common output width 35 (F = 45, pw = 11).
//
// A batch of targets (one backbone's: the same F) in the same dispatch, workgroup z = 3 target +
// level; targets differ in template size and channels, so the grid covers the largest and
// invocations past their target's blocks return.

struct Params {
  F: u32,
}

struct Target {
  C4: u32,      // channels / 4
  ph: u32,
  pw: u32,
  ho: u32,      // F - ph + 1 output rows
  wo: u32,      // F - pw + 1 output columns
  groupsX: u32, // ceil(wo / 7)
  offset: u32,  // output index of level 0's valid (0, 0): out + floor(ph/2) F + floor(pw/2)
  x: u32,       // vec4 offset of the target's stack of levels
  z: u32,       // vec4 offset of its template
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> z: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<Target>;

override WG: u32 = 8;

// Seven outputs of one row: x0..x0+3 and x0+4..x0+6.
struct Seven {
  lo: vec4f,
  hi: vec3f,
}

fn dots(w0: vec4f, w1: vec4f, w2: vec4f, w3: vec4f, w4: vec4f, w5: vec4f, w6: vec4f, zv: vec4f) -> Seven {
  return Seven(vec4f(dot(w0, zv), dot(w1, zv), dot(w2, zv), dot(w3, zv)), vec3f(dot(w4, zv), dot(w5, zv), dot(w6, zv)));
}

fn store(t: Target, level: u32, row: u32, x0: u32, v: Seven) {
  if (row >= t.ho) {
    return;
  }
  let at = level * params.F * params.F + t.offset + row * params.F + x0;
  for (var k = 0u; k < 7u; k++) {
    if (x0 + k < t.wo) {
      out[at + k] = select(v.hi[k % 4u], v.lo[k % 4u], k < 4u);
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  // Indexed by the workgroup id, which the compiler knows to be the same for all lanes: the table's
  // fields are then uniform too, and the loops over them stay scalar (with the global id they were
  // per-lane values, and the kernel was 1.4x slower on lavapipe).
  let t = targets[wg.z / 3u];
  let level = wg.z % 3u;
  if (i >= ((t.ho + 1u) / 2u) * t.groupsX) {
    return;
  }
  let F = params.F;
  let C4 = t.C4;
  let pw = t.pw;
  let ph = t.ph;
  let y0 = (i / t.groupsX) * 2u;
  let x0 = (i % t.groupsX) * 7u;
  // Column clamps only touch outputs past wo, row clamps only the row past ho: never stored.
  var top = Seven(vec4f(0.0), vec3f(0.0));
  var bottom = Seven(vec4f(0.0), vec3f(0.0));
  // X row y0 + rho feeds output row y0 through template row rho and row y0 + 1 through rho - 1.
  for (var rho = 0u; rho < ph + 1u; rho++) {
    let xRow = (level * F + min(y0 + rho, F - 1u)) * F;
    for (var c = 0u; c < C4; c++) {
      var w0 = x[t.x + (xRow + min(x0, F - 1u)) * C4 + c];
      var w1 = x[t.x + (xRow + min(x0 + 1u, F - 1u)) * C4 + c];
      var w2 = x[t.x + (xRow + min(x0 + 2u, F - 1u)) * C4 + c];
      var w3 = x[t.x + (xRow + min(x0 + 3u, F - 1u)) * C4 + c];
      var w4 = x[t.x + (xRow + min(x0 + 4u, F - 1u)) * C4 + c];
      var w5 = x[t.x + (xRow + min(x0 + 5u, F - 1u)) * C4 + c];
      for (var j = 0u; j < pw; j++) {
        let w6 = x[t.x + (xRow + min(x0 + j + 6u, F - 1u)) * C4 + c];
        if (rho < ph) {
          let d = dots(w0, w1, w2, w3, w4, w5, w6, z[t.z + (rho * pw + j) * C4 + c]);
          top.lo += d.lo;
          top.hi += d.hi;
        }
        if (rho >= 1u) {
          let d = dots(w0, w1, w2, w3, w4, w5, w6, z[t.z + ((rho - 1u) * pw + j) * C4 + c]);
          bottom.lo += d.lo;
          bottom.hi += d.hi;
        }
        w0 = w1;
        w1 = w2;
        w2 = w3;
        w3 = w4;
        w4 = w5;
        w5 = w6;
      }
    }
  }
  store(t, level, y0, x0, top);
  store(t, level, y0 + 1u, x0, bottom);
}
