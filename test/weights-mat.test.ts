import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  isCell, isNumeric, isStruct, isStructArray, MatError, parseMat, type MatValue,
} from '../src/weights/mat.ts';
import { readMat } from '../src/weights/mat-file.ts';
import { cell, char, emptyMatrix, matFile, num, rawMatrix, row, struct, structArray, writeIn, type WVariable } from './helpers/mat-writer.ts';
import { tempDir } from './helpers/temp.ts';
import { rejects } from './helpers/rejects.ts';

function numeric(v: MatValue | undefined): { class: string; dims: number[]; data: number[] } {
  if (!isNumeric(v)) throw new Error(`not numeric: ${JSON.stringify(v)}`);
  return { class: v.class, dims: v.dims, data: Array.from(v.data as ArrayLike<number>) };
}

const everyKind = (): WVariable[] => [
  { name: 'd', value: num('double', [2, 3], [1, 2, 3, 4, 5, 6.5]) },
  { name: 's', value: num('single', [1, 2], [0.5, -1.25]) },
  { name: 'i8', value: num('int8', [1, 3], [-128, 0, 127]) },
  { name: 'u16', value: num('uint16', [1, 2], [0, 65535]) },
  { name: 'i32', value: num('int32', [1, 2], [-2147483648, 2147483647]) },
  { name: 'u32', value: num('uint32', [1, 1], [4294967295]) },
  { name: 'flag', value: num('logical', [1, 2], [1, 0]) },
  { name: 'dSmall', value: num('double', [1, 4], [0, 1, 200, 255], { storeAs: 'uint8' }) },
  { name: 'dNeg', value: num('double', [1, 2], [-3, 30000], { storeAs: 'int16' }) },
  { name: 'sInt', value: num('single', [1, 2], [-7, 9], { storeAs: 'int32' }) },
  { name: 'u8', value: num('uint8', [1, 1], [42]) },
  { name: 'z', value: num('double', [1, 2], [1, 2], { imag: [3, -4] }) },
  { name: 'str', value: char('conv1_1') },
  { name: 'wide', value: char('héllo', 'uint16') },
  { name: 'utf', value: char('αβγ') },
  { name: 'rows', value: char(['abc', 'def']) },
  { name: 'nothing', value: char('') },
  {
    name: 'st',
    value: struct({ name: char('x'), inner: struct({ v: row(7) }), list: cell([1, 2], [row(1), char('two')]) }),
  },
  {
    name: 'sa',
    value: structArray([1, 2], ['a', 'b'], [{ a: row(1), b: char('p') }, { a: row(2), b: char('q') }]),
  },
  { name: 'c', value: cell([2, 2], [row(11), row(21), row(12), char('22')]) },
  { name: 'ce', value: cell([0, 0], []) },
  { name: 'withEmpty', value: cell([1, 2], [emptyMatrix, row(5)]) },
];

function checkEveryKind(vars: Record<string, MatValue>): void {
  expect(numeric(vars.d)).to.deep.equal({ class: 'double', dims: [2, 3], data: [1, 2, 3, 4, 5, 6.5] });
  expect(vars.d).to.have.nested.property('data').that.is.instanceOf(Float64Array);
  expect(numeric(vars.s)).to.deep.equal({ class: 'single', dims: [1, 2], data: [0.5, -1.25] });
  expect((vars.s as { data: unknown }).data).to.be.instanceOf(Float32Array);
  expect(numeric(vars.i8).data).to.deep.equal([-128, 0, 127]);
  expect(numeric(vars.u16).data).to.deep.equal([0, 65535]);
  expect(numeric(vars.i32).data).to.deep.equal([-2147483648, 2147483647]);
  expect(numeric(vars.u32).data).to.deep.equal([4294967295]);
  expect(numeric(vars.flag)).to.deep.equal({ class: 'logical', dims: [1, 2], data: [1, 0] });
  expect(numeric(vars.dSmall)).to.deep.equal({ class: 'double', dims: [1, 4], data: [0, 1, 200, 255] });
  expect((vars.dSmall as { data: unknown }).data).to.be.instanceOf(Float64Array);
  expect(numeric(vars.dNeg).data).to.deep.equal([-3, 30000]);
  expect(numeric(vars.sInt)).to.deep.equal({ class: 'single', dims: [1, 2], data: [-7, 9] });
  expect(numeric(vars.u8).data).to.deep.equal([42]);
  expect(Array.from((vars.z as { imag: Float64Array }).imag)).to.deep.equal([3, -4]);
  expect(vars.str).to.equal('conv1_1');
  expect(vars.wide).to.equal('héllo');
  expect(vars.utf).to.equal('αβγ');
  expect(vars.rows).to.deep.equal(['abc', 'def']);
  expect(vars.nothing).to.equal('');
  const st = vars.st;
  if (!isStruct(st)) throw new Error('st is not a struct');
  expect(Object.keys(st)).to.deep.equal(['name', 'inner', 'list']);
  expect(st.name).to.equal('x');
  expect(numeric((st.inner as Record<string, MatValue>).v).data).to.deep.equal([7]);
  expect(isCell(st.list) && st.list[1]).to.equal('two');
  const sa = vars.sa;
  if (!isStructArray(sa)) throw new Error('sa is not a struct array');
  expect(sa.dims).to.deep.equal([1, 2]);
  expect(sa.map((e) => e.b)).to.deep.equal(['p', 'q']);
  const c = vars.c;
  if (!isCell(c)) throw new Error('c is not a cell');
  expect(c.dims).to.deep.equal([2, 2]);
  expect(numeric(c[1]).data).to.deep.equal([21]); // column-major: (2,1) is second
  expect(c[3]).to.equal('22');
  expect(isCell(vars.ce) && vars.ce.length).to.equal(0);
  expect(numeric((vars.withEmpty as MatValue[])[0])).to.deep.equal({ class: 'double', dims: [0, 0], data: [] });
}

describe('weights: MAT-file reader', () => {
  const dir = tempDir();

  it('reads every supported class from uncompressed elements', async () => {
    checkEveryKind(await parseMat(matFile(everyKind()), 'plain.mat'));
  });

  it('reads every supported class from compressed elements', async () => {
    const vars = everyKind().map((v) => ({ ...v, compress: true }));
    checkEveryKind(await parseMat(matFile(vars), 'z.mat'));
  });

  it('reads big-endian files', async () => {
    checkEveryKind(await parseMat(matFile(everyKind(), { bigEndian: true }), 'be.mat'));
  });

  it('reads from disk and skips variables that are not asked for', async () => {
    const path = writeIn(dir, 'pick.mat', matFile(everyKind().map((v, i) => ({ ...v, compress: i % 2 === 0 }))));
    const vars = await readMat(path, { variables: ['c', 'str'] });
    expect(Object.keys(vars).sort()).to.deep.equal(['c', 'str']);
    expect(vars.str).to.equal('conv1_1');
  });

  it('names the missing variable and those present', async () => {
    const bytes = matFile([{ name: 'meta', value: row(1) }]);
    expect(await rejects(parseMat(bytes, 'net.mat', { variables: ['layers'] }), /net\.mat: no variable "layers" \(the file holds: meta\)/)).to.be.instanceOf(MatError);
  });

  it('stops reading a cell early with `until`, inflating only a prefix', async () => {
    // 8.8 MB after the marker, beyond the first 8 MB prefix, so only a full read would reach it
    const big = num('double', [1, 1_100_000], new Float64Array(1_100_000));
    const value = cell([1, 4], [char('a'), char('stop'), big, char('never')]);
    for (const compress of [false, true]) {
      const bytes = matFile([{ name: 'layers', value, compress }]);
      const until = (items: readonly MatValue[]): boolean => items.includes('stop');
      const layers = (await parseMat(bytes, 'l.mat', { until })).layers;
      expect(isCell(layers) && [...layers]).to.deep.equal(['a', 'stop']);
      expect((layers as { dims: number[] }).dims).to.deep.equal([1, 4]);
    }
  });

  it('finds an element past the first prefix when `until` needs it', async () => {
    // incompressible, so that the compressed element too is larger than the first 8 MB prefix
    const data = new Uint8Array(randomBytes(9_000_000));
    const value = cell([1, 3], [num('uint8', [1, data.length], data), char('stop'), char('after')]);
    for (const compress of [false, true]) {
      const bytes = matFile([{ name: 'layers', value, compress }]);
      const layers = (await parseMat(bytes, 'l.mat', { until: (items) => items.includes('stop') })).layers as MatValue[];
      expect(layers.length).to.equal(2);
      expect((layers[0] as { data: Uint8Array }).data.subarray(-3)).to.deep.equal(data.subarray(-3));
    }
  });

  describe('errors name the file and what is wrong', () => {
    const write = (name: string, bytes: Buffer | string): string => writeIn(dir, name, bytes);

    it('rejects a file that is not a MAT-file', async () => {
      const path = write('notes.mat', 'just some text that is long enough '.repeat(10));
      expect(await rejects(readMat(path), new RegExp(`${path}: not a MAT-file`))).to.be.instanceOf(MatError);
      const tiny = write('tiny.mat', 'MATLAB');
      expect(await rejects(readMat(tiny), /tiny\.mat: not a MAT-file: 6 bytes/)).to.be.instanceOf(MatError);
    });

    it('reports a missing file', async () => {
      expect(await rejects(readMat(join(dir, 'absent.mat')), /absent\.mat: cannot open/)).to.be.instanceOf(MatError);
    });

    it('reports a truncated uncompressed element with its byte offset', async () => {
      const bytes = matFile([{ name: 'a', value: row(1, 2) }, { name: 'b', value: row(...Array(50).fill(3)) }]);
      const path = write('cut.mat', bytes.subarray(0, bytes.length - 100));
      const second = matFile([{ name: 'a', value: row(1, 2) }]).length;
      expect(await rejects(readMat(path), new RegExp(`cut\\.mat: truncated element at byte offset ${second}`))).to.be.instanceOf(MatError);
    });

    it('reports a truncated or corrupt compressed element', async () => {
      const bytes = matFile([{ name: 'a', value: row(...Array.from({ length: 500 }, (_, i) => i)), compress: true }]);
      const cut = write('cutz.mat', bytes.subarray(0, bytes.length - 10));
      expect(await rejects(readMat(cut), /cutz\.mat: truncated element at byte offset 128/)).to.be.instanceOf(MatError);
      const bad = Buffer.from(bytes);
      bad.fill(0xff, 136, 140); // the zlib stream header
      expect(await rejects(parseMat(bad, 'bad.mat'), /bad\.mat: corrupt compressed element at byte offset 128/)).to.be.instanceOf(MatError);
    });

    it('reports an element that overruns its parent', async () => {
      const inner = matFile([{ name: 'a', value: row(1, 2, 3) }]).subarray(128);
      inner.writeUInt32LE(inner.readUInt32LE(4) - 8, 4); // the matrix now ends inside its data
      const bytes = Buffer.concat([matFile([]), inner.subarray(0, inner.length - 8)]);
      expect(await rejects(parseMat(bytes, 'over.mat'), /over\.mat: truncated data element .* at byte offset \d+/)).to.be.instanceOf(MatError);
    });

    it('rejects unsupported classes and v7.3 files', async () => {
      const flags = Buffer.alloc(16);
      flags.writeUInt32LE(6, 0); flags.writeUInt32LE(8, 4); flags.writeUInt32LE(5, 8); // mxSPARSE
      const dims = Buffer.from([5, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
      const name = Buffer.from([1, 0, 1, 0, 0x73, 0, 0, 0]);
      const sparse = matFile([{ name: 's', value: rawMatrix(Buffer.concat([flags, dims, name])) }]);
      expect(await rejects(parseMat(sparse, 'sp.mat'), /sp\.mat: unsupported array class mxSPARSE/)).to.be.instanceOf(MatError);
      expect(await rejects(parseMat(matFile([], { version: 0x0200 }), 'h5.mat'), /v7\.3 \(HDF5\)/)).to.be.instanceOf(MatError);
    });
  });
});
