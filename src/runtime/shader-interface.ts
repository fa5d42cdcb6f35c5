/**
 * What a compute shader declares for its host: the scalar fields of its `struct Params` (the one
 * uniform) and its storage bindings, by name. Read from the WGSL source once per shader, so that
 * kernels fill uniforms and bind buffers by the names the shader uses; a field or binding that
 * does not match is an error naming both, instead of a silently shifted value.
 */
export type ParamType = 'u32' | 'i32' | 'f32';

export interface ParamField {
  name: string;
  type: ParamType;
  /** Byte offset in the uniform buffer. */
  offset: number;
}

export interface ShaderInterface {
  shader: string;
  /** Fields of `struct Params` in declaration order; empty when the shader has no uniform. */
  params: ParamField[];
  /** Uniform buffer size: the struct rounded up to 16 bytes, as the uniform address space wants. */
  paramsBytes: number;
  /** Binding index of the `var<uniform>`, or null. */
  uniformBinding: number | null;
  /** Storage buffers: variable name -> binding index (group 0). */
  storage: Map<string, number>;
}

const SCALAR = new Set<string>(['u32', 'i32', 'f32']);

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** The scalar fields of `struct <name>` (4 bytes each, so the struct is tightly packed), or [] when absent. */
export function parseStruct(shader: string, code: string, name: string): ParamField[] {
  const struct = new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`).exec(stripComments(code));
  if (!struct) return [];
  return struct[1]
    .split(/[,;\n]/)
    .map((f) => f.trim())
    .filter(Boolean)
    .map((field, i) => {
      const m = /^([A-Za-z_]\w*)\s*:\s*([\w<>]+)$/.exec(field);
      if (!m) throw new SyntaxError(`${shader}: cannot read ${name} field "${field}"`);
      if (!SCALAR.has(m[2])) throw new SyntaxError(`${shader}: ${name} field ${m[1]} is ${m[2]}; only u32, i32 and f32 fields are supported`);
      return { name: m[1], type: m[2] as ParamType, offset: i * 4 };
    });
}

/** Reads the Params struct and the @group(0) bindings of `source`; `shader` names it in errors. */
export function shaderInterface(shader: string, source: string): ShaderInterface {
  const code = stripComments(source);
  const params = parseStruct(shader, code, 'Params');
  const storage = new Map<string, number>();
  let uniformBinding: number | null = null;
  const binding = /@group\(\s*(\d+)\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*<\s*(\w+)[^>]*>\s*([A-Za-z_]\w*)\s*:\s*([^;]+);/g;
  for (const m of code.matchAll(binding)) {
    const [, group, index, space, name, type] = m;
    if (group !== '0') throw new SyntaxError(`${shader}: binding ${name} is in group ${group}; kernels use group 0 only`);
    if (space === 'uniform') {
      if (type.trim() !== 'Params') throw new SyntaxError(`${shader}: the uniform ${name} must have type Params`);
      uniformBinding = Number(index);
    } else storage.set(name, Number(index));
  }
  if (params.length > 0 && uniformBinding === null) throw new SyntaxError(`${shader}: declares Params but binds no uniform of that type`);
  return { shader, params, paramsBytes: Math.max(16, Math.ceil((params.length * 4) / 16) * 16), uniformBinding, storage };
}

/**
 * Writes `values` into `view` at their fields' offsets. `complete`: every field must be given (a
 * new dispatch); otherwise any subset (an update). Unknown names and values that do not fit
 * the field's type are errors naming the shader and the field.
 */
export function writeParams(
  iface: ShaderInterface,
  view: DataView,
  values: Readonly<Record<string, number>>,
  complete: boolean,
): void {
  writeFields({ shader: iface.shader, struct: 'Params', fields: iface.params }, view, 0, values, complete);
}

/** A struct's fields as a shader declares them, for writing its values by name. */
export interface StructLayout {
  shader: string;
  struct: string;
  fields: ParamField[];
}

/** writeParams for any struct of scalars, at byte `base` of `view` (one element of a struct array). */
export function writeFields(
  layout: StructLayout,
  view: DataView,
  base: number,
  values: Readonly<Record<string, number>>,
  complete: boolean,
): void {
  const { shader, struct, fields } = layout;
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const name of Object.keys(values)) {
    const field = byName.get(name);
    if (!field) {
      const known = fields.map((f) => f.name).join(', ') || 'none';
      throw new RangeError(`${shader}: ${struct} has no field "${name}" (fields: ${known})`);
    }
    put(layout, view, base, field, values[name]);
  }
  if (complete) {
    const missing = fields.filter((f) => !(f.name in values)).map((f) => f.name);
    if (missing.length) throw new RangeError(`${shader}: ${struct} field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set`);
  }
}

function put({ shader, struct }: StructLayout, view: DataView, base: number, field: ParamField, value: number): void {
  const bad = (why: string) => new RangeError(`${shader}: ${struct}.${field.name} (${field.type}) = ${value}: ${why}`);
  const offset = base + field.offset;
  if (typeof value !== 'number') throw bad('not a number');
  switch (field.type) {
    case 'u32':
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw bad('not an unsigned 32-bit integer');
      view.setUint32(offset, value, true);
      break;
    case 'i32':
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw bad('not a signed 32-bit integer');
      view.setInt32(offset, value, true);
      break;
    case 'f32':
      view.setFloat32(offset, value, true);
      break;
  }
}
