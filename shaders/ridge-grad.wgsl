// Ridge weight gradient dW[i][j][c] = sum_{y,x} g[y][x] * Xp[y+i][x+j][c], fused with the optimiser
// step on the same weights (mode 1: SGD with momentum, PyTorch semantics; mode 2: Adam, MatConvNet
// semantics: the bias correction folded into the step size, which the host tabulates, eps added to
// sqrt(v)).
//
// An invocation owns T adjacent taps j0..j0+T-1 of kernel row i for one vec4 of channels. It streams
// each input row once and keeps the g values that meet the current X load in a T-wide sliding
// window: one X gather and one g load feed T vec4 FMAs (lavapipe is gather-bound). g rows carry
// T-1 zeros on the right for the window's tail. T is an override constant (<= 24), see ridge-forward.
struct Params {
  height: u32, width: u32, fh: u32, fw: u32,
  fwPad: u32, c4: u32, xpWidth: u32, gpWidth: u32,
  tilesJ: u32, mode: u32, capacity: u32,
  lr: f32, decay: f32, momentum: f32, beta1: f32,
  beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xp: array<vec4f>;
@group(0) @binding(2) var<storage, read> gp: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> s1: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> s2: array<vec4f>;
@group(0) @binding(6) var<storage, read> state: array<f32>;

override T: u32 = 13u;

fn apply(idx: u32, grad: vec4f, lrT: f32) {
  let wv = w[idx];
  let d = grad + p.decay * wv;
  if (p.mode == 1u) {
    let buf = p.momentum * s1[idx] + d;
    s1[idx] = buf;
    w[idx] = wv - p.lr * buf;
  } else {
    let m = p.beta1 * s1[idx] + p.oneMinusBeta1 * d;
    let v = p.beta2 * s2[idx] + p.oneMinusBeta2 * d * d;
    s1[idx] = m;
    s2[idx] = v;
    w[idx] = wv - lrT * m / (sqrt(v) + p.eps);
  }
}

@compute @workgroup_size(8)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u,
        @builtin(num_workgroups) groups: vec3u) {
  if (state[0] == 0.0) { return; }
  let group = wid.x + wid.y * groups.x;
  let tap = group % (p.fh * p.tilesJ);
  let c = (group / (p.fh * p.tilesJ)) * 8u + lid.x;
  if (c >= p.c4) { return; }
  let i = tap / p.tilesJ;
  let j0 = (tap % p.tilesJ) * T;
  let stride = p.c4;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  var a4 = vec4f(0.0);
  var a5 = vec4f(0.0);
  var a6 = vec4f(0.0);
  var a7 = vec4f(0.0);
  var a8 = vec4f(0.0);
  var a9 = vec4f(0.0);
  var a10 = vec4f(0.0);
  var a11 = vec4f(0.0);
  var a12 = vec4f(0.0);
  var a13 = vec4f(0.0);
  var a14 = vec4f(0.0);
  var a15 = vec4f(0.0);
  var a16 = vec4f(0.0);
  var a17 = vec4f(0.0);
  var a18 = vec4f(0.0);
  var a19 = vec4f(0.0);
  var a20 = vec4f(0.0);
  var a21 = vec4f(0.0);
  var a22 = vec4f(0.0);
  var a23 = vec4f(0.0);
  for (var y = 0u; y < p.height; y++) {
    var xi = ((y + i) * p.xpWidth + j0) * stride + c;
    var gi = y * p.gpWidth;
    var g1 = 0.0;
    var g2 = 0.0;
    var g3 = 0.0;
    var g4 = 0.0;
    var g5 = 0.0;
    var g6 = 0.0;
    var g7 = 0.0;
    var g8 = 0.0;
    var g9 = 0.0;
    var g10 = 0.0;
    var g11 = 0.0;
    var g12 = 0.0;
    var g13 = 0.0;
    var g14 = 0.0;
    var g15 = 0.0;
    var g16 = 0.0;
    var g17 = 0.0;
    var g18 = 0.0;
    var g19 = 0.0;
    var g20 = 0.0;
    var g21 = 0.0;
    var g22 = 0.0;
    var g23 = 0.0;
    for (var q = 0u; q < p.width + T - 1u; q++) {
      // g_k = g[y][q-k]: the weight of tap j0+k for the input X[y+i][j0+q].
      let g0 = gp[gi];
      let xv = xp[xi];
      a0 = fma(vec4f(g0), xv, a0);
      if (T > 1u) { a1 = fma(vec4f(g1), xv, a1); }
      if (T > 2u) { a2 = fma(vec4f(g2), xv, a2); }
      if (T > 3u) { a3 = fma(vec4f(g3), xv, a3); }
      if (T > 4u) { a4 = fma(vec4f(g4), xv, a4); }
      if (T > 5u) { a5 = fma(vec4f(g5), xv, a5); }
      if (T > 6u) { a6 = fma(vec4f(g6), xv, a6); }
      if (T > 7u) { a7 = fma(vec4f(g7), xv, a7); }
      if (T > 8u) { a8 = fma(vec4f(g8), xv, a8); }
      if (T > 9u) { a9 = fma(vec4f(g9), xv, a9); }
      if (T > 10u) { a10 = fma(vec4f(g10), xv, a10); }
      if (T > 11u) { a11 = fma(vec4f(g11), xv, a11); }
      if (T > 12u) { a12 = fma(vec4f(g12), xv, a12); }
      if (T > 13u) { a13 = fma(vec4f(g13), xv, a13); }
      if (T > 14u) { a14 = fma(vec4f(g14), xv, a14); }
      if (T > 15u) { a15 = fma(vec4f(g15), xv, a15); }
      if (T > 16u) { a16 = fma(vec4f(g16), xv, a16); }
      if (T > 17u) { a17 = fma(vec4f(g17), xv, a17); }
      if (T > 18u) { a18 = fma(vec4f(g18), xv, a18); }
      if (T > 19u) { a19 = fma(vec4f(g19), xv, a19); }
      if (T > 20u) { a20 = fma(vec4f(g20), xv, a20); }
      if (T > 21u) { a21 = fma(vec4f(g21), xv, a21); }
      if (T > 22u) { a22 = fma(vec4f(g22), xv, a22); }
      if (T > 23u) { a23 = fma(vec4f(g23), xv, a23); }
      if (T > 23u) { g23 = g22; }
      if (T > 22u) { g22 = g21; }
      if (T > 21u) { g21 = g20; }
      if (T > 20u) { g20 = g19; }
      if (T > 19u) { g19 = g18; }
      if (T > 18u) { g18 = g17; }
      if (T > 17u) { g17 = g16; }
      if (T > 16u) { g16 = g15; }
      if (T > 15u) { g15 = g14; }
      if (T > 14u) { g14 = g13; }
      if (T > 13u) { g13 = g12; }
      if (T > 12u) { g12 = g11; }
      if (T > 11u) { g11 = g10; }
      if (T > 10u) { g10 = g9; }
      if (T > 9u) { g9 = g8; }
      if (T > 8u) { g8 = g7; }
      if (T > 7u) { g7 = g6; }
      if (T > 6u) { g6 = g5; }
      if (T > 5u) { g5 = g4; }
      if (T > 4u) { g4 = g3; }
      if (T > 3u) { g3 = g2; }
      if (T > 2u) { g2 = g1; }
      if (T > 1u) { g1 = g0; }
      gi += 1u;
      xi += stride;
    }
  }
  // Adam's step size for this iteration, from the table the host wrote (see ridge-loss).
  let lrT = state[8u + p.capacity + clamp(u32(state[2]), 1u, p.capacity) - 1u];
  // The update runs once per tap after the long loop: a loop with a runtime bound keeps LLVM from
  // inlining it T times (that took llvmpipe 27 s to compile at T = 21).
  var acc: array<vec4f, 24>;
  acc[0] = a0;
  if (T > 1u) { acc[1] = a1; }
  if (T > 2u) { acc[2] = a2; }
  if (T > 3u) { acc[3] = a3; }
  if (T > 4u) { acc[4] = a4; }
  if (T > 5u) { acc[5] = a5; }
  if (T > 6u) { acc[6] = a6; }
  if (T > 7u) { acc[7] = a7; }
  if (T > 8u) { acc[8] = a8; }
  if (T > 9u) { acc[9] = a9; }
  if (T > 10u) { acc[10] = a10; }
  if (T > 11u) { acc[11] = a11; }
  if (T > 12u) { acc[12] = a12; }
  if (T > 13u) { acc[13] = a13; }
  if (T > 14u) { acc[14] = a14; }
  if (T > 15u) { acc[15] = a15; }
  if (T > 16u) { acc[16] = a16; }
  if (T > 17u) { acc[17] = a17; }
  if (T > 18u) { acc[18] = a18; }
  if (T > 19u) { acc[19] = a19; }
  if (T > 20u) { acc[20] = a20; }
  if (T > 21u) { acc[21] = a21; }
  if (T > 22u) { acc[22] = a22; }
  if (T > 23u) { acc[23] = a23; }
  let base = (i * p.fwPad + j0) * stride + c;
  for (var k = 0u; k < min(T, p.fw - j0); k++) { apply(base + k * stride, acc[k], lrT); }
}
