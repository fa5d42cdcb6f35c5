// Ridge loss and output gradient, bias update and stop bookkeeping: one workgroup, once per iteration.
//
// state: [0] active, [1] stop pending, [2] iterations done, [3] bias, [4] bias momentum / Adam m,
// [5] Adam v, [6] last loss, [7] sum of g, then `capacity` floats each: the loss of every iteration,
// Adam's step size lr sqrt(1-b2^t)/(1-b1^t) for the weights and for the bias. The host computes the
// step sizes in float64: in f32, 1 - pow(b2, t) loses ~1e-4 to cancellation.
// A loss under `stopLoss` sets "pending": this iteration's weight update still runs, then the next
// iteration's loss kernel clears "active" and every later dispatch returns at once. So any number
// of iterations can be recorded in one submission and read back once at the end.
struct Params {
  height: u32, width: u32, partials: u32, gpWidth: u32,
  deadZone: u32, adam: u32, capacity: u32,
  stopLoss: f32, lr: f32, decay: f32, momentum: f32,
  beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read> label: array<f32>;
@group(0) @binding(3) var<storage, read> labelWeight: array<f32>;
@group(0) @binding(4) var<storage, read_write> gp: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> state: array<f32>;

const WG = 256u;
var<workgroup> flags: vec2f;
var<workgroup> sumLoss: array<f32, WG>;
var<workgroup> sumG: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  if (t == 0u) { flags = vec2f(state[0], state[1]); }
  let f = workgroupUniformLoad(&flags);
  if (f.x == 0.0) { return; }
  if (f.y != 0.0) {
    if (t == 0u) { state[0] = 0.0; }
    return;
  }
  let n = p.height * p.width;
  let scale = 2.0 / f32(n);
  let bias = state[3];
  var loss = 0.0;
  var gsum = 0.0;
  for (var i = t; i < n; i += WG) {
    var o = bias;
    for (var k = 0u; k < p.partials; k++) { o += partial[k * n + i]; }
    out[i] = o;
    var d = o - label[i];
    if (p.deadZone != 0u) {
      // Matlab L2normLoss: errors under 0.1 count as zero, the rest weighted by e^y (loss and gradient alike).
      if (abs(d) < 0.1) { d = 0.0; }
      d *= labelWeight[i];
    }
    loss += d * d;
    let g = scale * d;
    gp[(i / p.width) * p.gpWidth + i % p.width] = g;
    gsum += g;
  }
  sumLoss[t] = loss;
  sumG[t] = gsum;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (t < s) {
      sumLoss[t] += sumLoss[t + s];
      sumG[t] += sumG[t + s];
    }
  }
  if (t != 0u) { return; }
  var total = sumLoss[0];
  if (p.deadZone == 0u) { total /= f32(n); }
  let it = state[2] + 1.0;
  state[2] = it;
  state[6] = total;
  state[7] = sumG[0];
  let slot = min(u32(it), p.capacity) - 1u;
  state[8u + slot] = total;
  let d = sumG[0] + p.decay * bias;
  if (p.adam != 0u) {
    let m = p.beta1 * state[4] + p.oneMinusBeta1 * d;
    let v = p.beta2 * state[5] + p.oneMinusBeta2 * d * d;
    state[4] = m;
    state[5] = v;
    state[3] = bias - state[8u + 2u * p.capacity + slot] * m / (sqrt(v) + p.eps);
  } else {
    let buf = p.momentum * state[4] + d;
    state[4] = buf;
    state[3] = bias - p.lr * buf;
  }
  if (total < p.stopLoss) { state[1] = 1.0; }
}
