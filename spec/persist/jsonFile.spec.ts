import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileError, JsonSerializeError } from '../../lib/persist/errors.js';
import { loadJsonFile, writeJsonFileAtomic } from '../../lib/persist/jsonFile.js';

interface Doc {
  readonly version: 1;
  readonly items: string[];
}

function parseDoc(raw: unknown): Doc {
  if (typeof raw !== 'object' || raw === null) throw new TypeError('not an object');
  const r = raw as { version?: unknown; items?: unknown };
  if (r.version !== 1) throw new TypeError(`unsupported version ${String(r.version)}`);
  if (!Array.isArray(r.items) || !r.items.every((i) => typeof i === 'string')) {
    throw new TypeError('items must be strings');
  }
  return { version: 1, items: r.items };
}

describe('persist/jsonFile', () => {
  let dir: string;
  let n = 0;
  const fresh = () => join(dir, `file-${++n}.json`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rx-connmgr-json-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function filesFor(path: string): Promise<string[]> {
    const base = path.slice(dir.length + 1);
    return (await readdir(dir)).filter((f) => f.includes(base)).sort();
  }

  it('round-trips a value', async () => {
    const path = fresh();
    const doc: Doc = { version: 1, items: ['a', 'b', 'ünïcødé'] };
    await writeJsonFileAtomic(path, doc);
    expect(await loadJsonFile(path, parseDoc)).to.deep.equal({ status: 'loaded', value: doc });
  });

  it('overwrites an existing file and leaves no temporary file behind', async () => {
    const path = fresh();
    await writeJsonFileAtomic(path, { version: 1, items: ['old'] });
    await writeJsonFileAtomic(path, { version: 1, items: ['new'] });
    expect(await loadJsonFile(path, parseDoc)).to.deep.equal({ status: 'loaded', value: { version: 1, items: ['new'] } });
    expect(await filesFor(path)).to.deep.equal([path.slice(dir.length + 1)]);
  });

  it("reports a missing file as 'missing'", async () => {
    expect(await loadJsonFile(fresh(), parseDoc)).to.deep.equal({ status: 'missing' });
  });

  describe('corrupt content', () => {
    async function expectCorrupt(content: string | Buffer, stamp: number) {
      const path = fresh();
      await writeFile(path, content);
      const result = await loadJsonFile(path, parseDoc, { now: () => stamp });
      expect(result.status).to.equal('corrupt');
      if (result.status !== 'corrupt') return;
      expect(result.error).to.be.instanceOf(Error);
      expect(result.movedTo).to.equal(`${path}.corrupt-${stamp}`);
      // The evidence is kept byte for byte, and the original path is free for the next save.
      expect(await readFile(result.movedTo)).to.deep.equal(Buffer.from(content));
      expect(await loadJsonFile(path, parseDoc)).to.deep.equal({ status: 'missing' });
      return result;
    }

    it('a truncated file is moved aside', async () => {
      const full = JSON.stringify({ version: 1, items: ['a', 'b'] });
      const r = await expectCorrupt(full.slice(0, full.length - 5), 1_700_000_000_000);
      expect(r?.error).to.be.instanceOf(SyntaxError);
    });

    it('an empty file is moved aside', async () => {
      await expectCorrupt('', 42);
    });

    it('garbage bytes are moved aside', async () => {
      await expectCorrupt(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80, 0x81, 0xc3, 0x28]), 43);
    });

    it('valid JSON of the wrong shape (parse throws) is moved aside with the parse error', async () => {
      const r = await expectCorrupt(JSON.stringify({ version: 2, items: [] }), 44);
      expect(r?.error).to.be.instanceOf(TypeError);
      expect(r?.error.message).to.contain('unsupported version 2');
    });

    it('a non-Error thrown by parse is wrapped in an Error', async () => {
      const path = fresh();
      await writeFile(path, '{}');
      const result = await loadJsonFile(path, () => {
        // The case under test: a reviver that throws something other than an Error.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'nope';
      });
      expect(result.status).to.equal('corrupt');
      if (result.status === 'corrupt') {
        expect(result.error).to.be.instanceOf(Error);
        expect(result.error.message).to.equal('nope');
      }
    });

    it('never overwrites an earlier moved-aside file with the same timestamp', async () => {
      const path = fresh();
      await writeFile(path, 'first');
      const a = await loadJsonFile(path, parseDoc, { now: () => 7 });
      await writeFile(path, 'second');
      const b = await loadJsonFile(path, parseDoc, { now: () => 7 });
      if (a.status !== 'corrupt' || b.status !== 'corrupt') throw new Error('expected corrupt twice');
      expect(a.movedTo).to.not.equal(b.movedTo);
      expect(await readFile(a.movedTo, 'utf8')).to.equal('first');
      expect(await readFile(b.movedTo, 'utf8')).to.equal('second');
    });
  });

  it('throws a JsonFileError naming the path for a real I/O error (a directory in its place)', async () => {
    const path = fresh();
    await mkdir(path);
    const err = await loadJsonFile(path, parseDoc).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(JsonFileError);
    expect((err as JsonFileError).path).to.equal(path);
    expect((err as JsonFileError).code).to.equal('EISDIR');
    expect((err as JsonFileError).message).to.contain(path);
  });

  describe('failing writes leave the previous file intact', () => {
    for (const [label, bad] of [
      ['a BigInt', { version: 1, items: [], n: 10n }],
      [
        'a cycle',
        (() => {
          const o: Record<string, unknown> = {};
          o['self'] = o;
          return o;
        })(),
      ],
      ['undefined', undefined],
    ] as const) {
      it(`${label}: rejects with JsonSerializeError, old file unchanged, no temp file`, async () => {
        const path = fresh();
        await writeJsonFileAtomic(path, { version: 1, items: ['keep'] });
        const before = await readFile(path, 'utf8');
        const err = await writeJsonFileAtomic(path, bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(JsonSerializeError);
        expect((err as JsonSerializeError).path).to.equal(path);
        expect(await readFile(path, 'utf8')).to.equal(before);
        expect(await filesFor(path)).to.deep.equal([path.slice(dir.length + 1)]);
      });
    }

    it('an I/O failure (target is a non-empty directory) rejects with JsonFileError and removes the temp file', async () => {
      const path = fresh();
      await mkdir(path);
      await writeFile(join(path, 'inside'), 'x');
      const err = await writeJsonFileAtomic(path, { version: 1, items: [] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(JsonFileError);
      expect((err as JsonFileError).path).to.equal(path);
      expect(await filesFor(path)).to.deep.equal([path.slice(dir.length + 1)]);
      expect(await readFile(join(path, 'inside'), 'utf8')).to.equal('x');
    });
  });

  it('concurrent writes to one path leave exactly one of the written values', async () => {
    const path = fresh();
    const docs: Doc[] = Array.from({ length: 25 }, (_, i) => ({
      version: 1,
      items: Array.from({ length: 50 + i * 10 }, (_, j) => `item-${i}-${j}`),
    }));
    await Promise.all(docs.map((d) => writeJsonFileAtomic(path, d)));
    const result = await loadJsonFile(path, parseDoc);
    expect(result.status).to.equal('loaded');
    if (result.status === 'loaded') expect(docs).to.deep.include(result.value);
    expect(await filesFor(path)).to.deep.equal([path.slice(dir.length + 1)]);
  });
});
