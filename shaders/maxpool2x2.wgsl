// 2x2 max pooling, stride 2 (floor mode: an odd last row or column is dropped), from the interior
// of one zero-bordered HWC map into the interior of another. Lanes run over channels.

struct Params {
  inWidth: u32,
  inPad: u32,
  outWidth: u32,
  outHeight: u32,
  outPad: u32,
  c4: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= p.outWidth * p.outHeight * p.c4) {
    return;
  }
  let c = i % p.c4;
  let pixel = i / p.c4;
  let x = pixel % p.outWidth;
  let y = pixel / p.outWidth;
  let inRow = p.inWidth + 2u * p.inPad;
  let a = ((2u * y + p.inPad) * inRow + 2u * x + p.inPad) * p.c4 + c;
  let b = a + inRow * p.c4;
  let value = max(max(input[a], input[a + p.c4]), max(input[b], input[b + p.c4]));
  out[((y + p.outPad) * (p.outWidth + 2u * p.outPad) + x + p.outPad) * p.c4 + c] = value;
}
