// Spatial sum of every channel of an HWC map (any zero border), times `scale` (1, or 1/(H W) for
// global average pooling). One invocation per vec4 of channels; lanes read neighbouring vec4s.
struct Params { height: u32, width: u32, pad: u32, c4: u32, scale: f32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> map: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= p.c4) { return; }
  let rowWidth = p.width + 2u * p.pad;
  var acc = vec4f(0.0);
  for (var y = 0u; y < p.height; y++) {
    var i = ((y + p.pad) * rowWidth + p.pad) * p.c4 + c;
    for (var x = 0u; x < p.width; x++) {
      acc += map[i];
      i += p.c4;
    }
  }
  out[c] = acc * p.scale;
}
