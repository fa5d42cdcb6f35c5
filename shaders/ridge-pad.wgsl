// Copies a feature map (HWC, vec4 channels, zero border `srcPad`) into a buffer with a wider zero
// border, so that the ridge convolutions read any tap without bounds checks. Writes every element,
// border included, so the destination needs no clearing.
struct Params {
  height: u32, width: u32, srcPad: u32, c4: u32,
  dstWidth: u32, top: u32, left: u32, count: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= p.count) { return; }
  let c = i % p.c4;
  let pixel = i / p.c4;
  let y = i32(pixel / p.dstWidth) - i32(p.top);
  let x = i32(pixel % p.dstWidth) - i32(p.left);
  var v = vec4f(0.0);
  if (y >= 0 && y < i32(p.height) && x >= 0 && x < i32(p.width)) {
    let srcWidth = p.width + 2u * p.srcPad;
    v = src[((u32(y) + p.srcPad) * srcWidth + u32(x) + p.srcPad) * p.c4 + c];
  }
  dst[i] = v;
}
