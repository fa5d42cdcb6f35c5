// Ridge forward: o[y][x] = sum_{i,j,c} W[i][j][c] * Xp[y+i][x+j][c], with Xp zero-padded by the kernel
// radius (ridge-pad) and W stored [fh][fwPad][C] (taps past fw are zero). No bias: ridge-loss adds it
// while summing the partials.
//
// Tuned for lavapipe, where every storage load is a per-lane gather and dominates the cost. An
// invocation owns one output row y and a slice of the channels. For each kernel row i and chunk of
// T taps it holds those T weight vec4s in registers and streams the input row once: every X load
// feeds T dot products, one per output x that the load touches. The T running sums slide along x;
// the one that completes each step is added into the row accumulator. T is an override constant
// (<= 24): the `if (T > k)` guards fold away when the pipeline is built, and arrays indexed by
// loop counters instead of named registers measured 3x slower.
struct Params {
  height: u32, width: u32, fh: u32, fwPad: u32,
  c4: u32, xpWidth: u32, slices: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xp: array<vec4f>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;
@group(0) @binding(4) var<storage, read> state: array<f32>;

override T: u32 = 13u;
const LANES = 8u;
const MAX_WIDTH = 64u;

@compute @workgroup_size(8)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
        @builtin(num_workgroups) groups: vec3u) {
  // state[0] = active, state[1] = stop pending: nothing left to compute once training stopped.
  if (state[0] == 0.0 || state[1] != 0.0) { return; }
  let group = wid.x + wid.y * groups.x;
  if (group >= p.height * p.slices) { return; }
  let y = group % p.height;
  let slice = group / p.height;
  var row: array<f32, MAX_WIDTH>;
  for (var x = 0u; x < p.width; x++) { row[x] = 0.0; }
  var w0: vec4f;
  var w1: vec4f;
  var w2: vec4f;
  var w3: vec4f;
  var w4: vec4f;
  var w5: vec4f;
  var w6: vec4f;
  var w7: vec4f;
  var w8: vec4f;
  var w9: vec4f;
  var w10: vec4f;
  var w11: vec4f;
  var w12: vec4f;
  var w13: vec4f;
  var w14: vec4f;
  var w15: vec4f;
  var w16: vec4f;
  var w17: vec4f;
  var w18: vec4f;
  var w19: vec4f;
  var w20: vec4f;
  var w21: vec4f;
  var w22: vec4f;
  var w23: vec4f;
  for (var c = slice * LANES + lid.x; c < p.c4; c += LANES * p.slices) {
    for (var i = 0u; i < p.fh; i++) {
      for (var j0 = 0u; j0 < p.fwPad; j0 += T) {
        // Slot k holds the sum for output x = u - (T-1) + k, which meets tap j0 + T-1-k at input column j0 + u.
        let wi = (i * p.fwPad + j0) * p.c4 + c;
        w0 = w[wi + (T - 1u) * p.c4];
        if (T > 1u) { w1 = w[wi + (T - 2u) * p.c4]; }
        if (T > 2u) { w2 = w[wi + (T - 3u) * p.c4]; }
        if (T > 3u) { w3 = w[wi + (T - 4u) * p.c4]; }
        if (T > 4u) { w4 = w[wi + (T - 5u) * p.c4]; }
        if (T > 5u) { w5 = w[wi + (T - 6u) * p.c4]; }
        if (T > 6u) { w6 = w[wi + (T - 7u) * p.c4]; }
        if (T > 7u) { w7 = w[wi + (T - 8u) * p.c4]; }
        if (T > 8u) { w8 = w[wi + (T - 9u) * p.c4]; }
        if (T > 9u) { w9 = w[wi + (T - 10u) * p.c4]; }
        if (T > 10u) { w10 = w[wi + (T - 11u) * p.c4]; }
        if (T > 11u) { w11 = w[wi + (T - 12u) * p.c4]; }
        if (T > 12u) { w12 = w[wi + (T - 13u) * p.c4]; }
        if (T > 13u) { w13 = w[wi + (T - 14u) * p.c4]; }
        if (T > 14u) { w14 = w[wi + (T - 15u) * p.c4]; }
        if (T > 15u) { w15 = w[wi + (T - 16u) * p.c4]; }
        if (T > 16u) { w16 = w[wi + (T - 17u) * p.c4]; }
        if (T > 17u) { w17 = w[wi + (T - 18u) * p.c4]; }
        if (T > 18u) { w18 = w[wi + (T - 19u) * p.c4]; }
        if (T > 19u) { w19 = w[wi + (T - 20u) * p.c4]; }
        if (T > 20u) { w20 = w[wi + (T - 21u) * p.c4]; }
        if (T > 21u) { w21 = w[wi + (T - 22u) * p.c4]; }
        if (T > 22u) { w22 = w[wi + (T - 23u) * p.c4]; }
        if (T > 23u) { w23 = w[wi + (T - 24u) * p.c4]; }
        var a0 = 0.0;
        var a1 = 0.0;
        var a2 = 0.0;
        var a3 = 0.0;
        var a4 = 0.0;
        var a5 = 0.0;
        var a6 = 0.0;
        var a7 = 0.0;
        var a8 = 0.0;
        var a9 = 0.0;
        var a10 = 0.0;
        var a11 = 0.0;
        var a12 = 0.0;
        var a13 = 0.0;
        var a14 = 0.0;
        var a15 = 0.0;
        var a16 = 0.0;
        var a17 = 0.0;
        var a18 = 0.0;
        var a19 = 0.0;
        var a20 = 0.0;
        var a21 = 0.0;
        var a22 = 0.0;
        var a23 = 0.0;
        var xi = ((y + i) * p.xpWidth + j0) * p.c4 + c;
        for (var u = 0u; u < p.width + T - 1u; u++) {
          let xv = xp[xi];
          xi += p.c4;
          a0 += dot(w0, xv);
          if (T > 1u) { a1 += dot(w1, xv); }
          if (T > 2u) { a2 += dot(w2, xv); }
          if (T > 3u) { a3 += dot(w3, xv); }
          if (T > 4u) { a4 += dot(w4, xv); }
          if (T > 5u) { a5 += dot(w5, xv); }
          if (T > 6u) { a6 += dot(w6, xv); }
          if (T > 7u) { a7 += dot(w7, xv); }
          if (T > 8u) { a8 += dot(w8, xv); }
          if (T > 9u) { a9 += dot(w9, xv); }
          if (T > 10u) { a10 += dot(w10, xv); }
          if (T > 11u) { a11 += dot(w11, xv); }
          if (T > 12u) { a12 += dot(w12, xv); }
          if (T > 13u) { a13 += dot(w13, xv); }
          if (T > 14u) { a14 += dot(w14, xv); }
          if (T > 15u) { a15 += dot(w15, xv); }
          if (T > 16u) { a16 += dot(w16, xv); }
          if (T > 17u) { a17 += dot(w17, xv); }
          if (T > 18u) { a18 += dot(w18, xv); }
          if (T > 19u) { a19 += dot(w19, xv); }
          if (T > 20u) { a20 += dot(w20, xv); }
          if (T > 21u) { a21 += dot(w21, xv); }
          if (T > 22u) { a22 += dot(w22, xv); }
          if (T > 23u) { a23 += dot(w23, xv); }
          if (u + 1u >= T) { row[u + 1u - T] += a0; }
          if (T > 1u) { a0 = a1; } else if (T == 1u) { a0 = 0.0; }
          if (T > 2u) { a1 = a2; } else if (T == 2u) { a1 = 0.0; }
          if (T > 3u) { a2 = a3; } else if (T == 3u) { a2 = 0.0; }
          if (T > 4u) { a3 = a4; } else if (T == 4u) { a3 = 0.0; }
          if (T > 5u) { a4 = a5; } else if (T == 5u) { a4 = 0.0; }
          if (T > 6u) { a5 = a6; } else if (T == 6u) { a5 = 0.0; }
          if (T > 7u) { a6 = a7; } else if (T == 7u) { a6 = 0.0; }
          if (T > 8u) { a7 = a8; } else if (T == 8u) { a7 = 0.0; }
          if (T > 9u) { a8 = a9; } else if (T == 9u) { a8 = 0.0; }
          if (T > 10u) { a9 = a10; } else if (T == 10u) { a9 = 0.0; }
          if (T > 11u) { a10 = a11; } else if (T == 11u) { a10 = 0.0; }
          if (T > 12u) { a11 = a12; } else if (T == 12u) { a11 = 0.0; }
          if (T > 13u) { a12 = a13; } else if (T == 13u) { a12 = 0.0; }
          if (T > 14u) { a13 = a14; } else if (T == 14u) { a13 = 0.0; }
          if (T > 15u) { a14 = a15; } else if (T == 15u) { a14 = 0.0; }
          if (T > 16u) { a15 = a16; } else if (T == 16u) { a15 = 0.0; }
          if (T > 17u) { a16 = a17; } else if (T == 17u) { a16 = 0.0; }
          if (T > 18u) { a17 = a18; } else if (T == 18u) { a17 = 0.0; }
          if (T > 19u) { a18 = a19; } else if (T == 19u) { a18 = 0.0; }
          if (T > 20u) { a19 = a20; } else if (T == 20u) { a19 = 0.0; }
          if (T > 21u) { a20 = a21; } else if (T == 21u) { a20 = 0.0; }
          if (T > 22u) { a21 = a22; } else if (T == 22u) { a21 = 0.0; }
          if (T > 23u) { a22 = a23; } else if (T == 23u) { a22 = 0.0; }
          if (T == 24u) { a23 = 0.0; }
        }
      }
    }
  }
  let out = (slice * LANES + lid.x) * p.height * p.width + y * p.width;
  for (var x = 0u; x < p.width; x++) { partial[out + x] = row[x]; }
}
