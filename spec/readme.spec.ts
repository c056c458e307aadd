import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The README's examples, run from the README itself: each `ts` block below is found by what it
 * imports, its `rx-connmgr` imports are pointed at `lib/`, and it runs as a module; so an example
 * that drifts from the code fails here.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Block {
  readonly line: number;
  readonly code: string;
}

async function readmeBlocks(): Promise<Block[]> {
  const text = await readFile(join(root, 'README.md'), 'utf8');
  const blocks: Block[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    blocks.push({ line: text.slice(0, m.index).split('\n').length, code: m[1]! });
  }
  return blocks;
}

/** The one complete example (it has imports) that contains `text`. */
function exampleWith(blocks: readonly Block[], text: string): Block {
  const found = blocks.filter((b) => b.code.includes(text) && /^import /m.test(b.code));
  expect(found, `README examples containing ${text}`).to.have.length(1);
  return found[0]!;
}

/** `rx-connmgr[/x]` → the file in lib/, as an absolute URL. */
function pointAtLib(code: string): string {
  return code.replace(
    /from 'rx-connmgr(\/[a-z]+)?'/g,
    (_m, sub: string | undefined) => `from '${pathToFileURL(join(root, 'lib', sub ?? '', 'index.ts')).href}'`,
  );
}

describe('README examples (read from README.md)', function () {
  this.timeout(20_000);
  let blocks: Block[] = [];
  let dir = '';
  before(async () => {
    blocks = await readmeBlocks();
    dir = await mkdtemp(join(root, '.readme-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  /** Runs a block as a module (its console silenced) and returns what it exports. */
  const run = async (block: Block, tail = '', edit: (code: string) => string = (c) => c): Promise<Record<string, unknown>> => {
    const file = join(dir, `line-${block.line}.ts`);
    await writeFile(file, `const console = { log: (..._: unknown[]) => {} };\n${edit(pointAtLib(block.code))}\n${tail}\n`);
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  };

  it('the rx-connmgr/testing example prints the log its closing comment shows', async () => {
    const block = exampleWith(blocks, 'runManagerTest(');
    const comment = block.code
      .split('\n')
      .filter((l) => l.startsWith('//'))
      .map((l) => l.slice(2))
      .join('\n');
    const expected = JSON.parse(comment.replace(/'/g, '"')) as unknown; // the README writes the strings in single quotes
    expect(expected, 'the expected log in the README').to.be.an('array').that.is.not.empty;
    const { log } = await run(block, 'export { log };');
    expect(log).to.deep.equal(expected);
  });

  it('the quick start runs: starts, dials, stops and waits', async () => {
    const block = exampleWith(blocks, 'tcpDial(addr, { timeout: 5_000 })');
    const { cm } = await run(block, 'export { cm };');
    expect((cm as { state: { phase: string } }).state.phase).to.equal('stopped');
  });

  it('the node example starts and stops a node on loopback', async () => {
    const block = exampleWith(blocks, "bans: { file: 'bans.json' }");
    const bans = join(dir, 'bans.json');
    const { node } = await run(block, 'export { node };', (code) => code.replace("'bans.json'", JSON.stringify(bans)));
    expect((node as { manager: { state: { phase: string } } }).manager.state.phase).to.equal('stopped');
  });

  it('the virtual-time node example runs two nodes on a MemoryNetwork to a peer and back', async () => {
    const { a, b, net } = await run(exampleWith(blocks, 'new MemoryNetwork('), 'export { a, b, net };');
    for (const node of [a, b]) expect((node as { manager: { state: { phase: string } } }).manager.state.phase).to.equal('stopped');
    expect((net as { openSockets: number }).openSockets).to.equal(0);
  });

  it('the backoff example names policies the main entry exports', async () => {
    const block = blocks.find((b) => b.code.includes('exponentialBackoff('))!;
    const main = (await import('../lib/index.js')) as Record<string, unknown>;
    const names = /import \{([^}]+)\} from 'rx-connmgr'/
      .exec(block.code)![1]!
      .split(',')
      .map((s) => s.trim());
    for (const name of names) expect(main[name], name).to.be.a('function');
  });
});
