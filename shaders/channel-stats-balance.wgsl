// Balance statistic of spec 3.4: B = max over pixels of the sum of a list of channels.
// One workgroup; writes B to out[outIndex], so both layers' values can land in one small buffer.
struct Params { height: u32, width: u32, pad: u32, channels: u32, count: u32, outIndex: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> map: array<f32>;
@group(0) @binding(2) var<storage, read> list: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const WG = 256u;
var<workgroup> best: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32) {
  let rowWidth = p.width + 2u * p.pad;
  var m = -3.402823e38;
  for (var i = t; i < p.height * p.width; i += WG) {
    let base = ((i / p.width + p.pad) * rowWidth + i % p.width + p.pad) * p.channels;
    var s = 0.0;
    for (var k = 0u; k < p.count; k++) { s += map[base + list[k]]; }
    m = max(m, s);
  }
  best[t] = m;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (t < s) { best[t] = max(best[t], best[t + s]); }
  }
  if (t == 0u) { out[p.outIndex] = best[0]; }
}
