/**
 * The benchmark suite: retry storms, thundering herds, reducer scaling, real TCP on loopback and
 * memory, each run on rx-connmgr and on a hand-written baseline (`baselines/imperative.ts`) in the
 * same process, alternating.
 *
 *   npm run bench                       # the full suite, a few minutes
 *   npm run bench -- --quick            # fewer, shorter rounds: under a minute
 *   npm run bench -- --only herd        # one scenario (or several: --only storm,tcp)
 *
 * `npm run bench` compiles `lib/` and `benchmarks/` with tsc (`tsconfig.bench.json`, into
 * `.bench-build/`) and runs the JavaScript, as users run the library: through tsx, esbuild's
 * name-keeping helpers alone cost ~10 % of a storm. `npx tsx benchmarks/run.ts` still works.
 *
 * Writes `benchmarks/results/<scenario>.json` and `.svg` (a chart), and `summary.md`, and prints
 * the summary: a markdown table per scenario and the targets, met or missed by how much.
 * Figures are reported, never asserted: the exit code is non-zero only if a scenario crashed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from './report/markdownTable.js';
import { Progress } from './report/Progress.js';
import { svgLineChart } from './report/svgLineChart.js';
import { herd } from './scenarios/herd.js';
import { memory } from './scenarios/memory.js';
import { reducer } from './scenarios/reducer.js';
import type { Scenario, ScenarioReport } from './scenarios/Scenario.js';
import { shapes } from './scenarios/shapes.js';
import { storm } from './scenarios/storm.js';
import { tcp } from './scenarios/tcp.js';

const SCENARIOS: readonly Scenario[] = [storm, shapes, herd, reducer, tcp, memory];
/** `benchmarks/results` in the source tree, also when running compiled from `.bench-build/benchmarks/`. */
const RESULTS = join(dirname(fileURLToPath(import.meta.url)).replace(/[\\/]\.bench-build(?=[\\/]benchmarks$)/, ''), 'results');

function parseArgs(argv: readonly string[]): { quick: boolean; only: Set<string> | undefined } {
  let quick = false;
  let only: Set<string> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      if (!value) throw new Error('--only needs a scenario name');
      only = new Set(value.split(','));
    } else if (arg === '--help' || arg === '-h') {
      console.log(`usage: tsx benchmarks/run.ts [--quick] [--only ${SCENARIOS.map((s) => s.name).join('|')}[,…]]`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  for (const name of only ?? []) {
    if (!SCENARIOS.some((s) => s.name === name))
      throw new Error(`no scenario "${name}"; there are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return { quick, only };
}

/** Where and how a run happened, for the results file and the report's header. */
interface Environment {
  readonly date: string;
  readonly node: string;
  readonly cpus: string;
  readonly loadAverage: readonly number[];
  readonly mode: 'quick' | 'full';
}

function environment(quick: boolean): Environment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    mode: quick ? 'quick' : 'full',
  };
}

function section(scenario: Scenario, report: ScenarioReport): string {
  return [
    `### ${scenario.title}`,
    '',
    markdownTable(report.table.headers, report.table.rows),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
    `![${scenario.name}](benchmarks/results/${scenario.name}.svg)`,
  ].join('\n');
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const selected = SCENARIOS.filter((s) => only === undefined || only.has(s.name));
  mkdirSync(RESULTS, { recursive: true });
  const env = environment(quick);
  console.log(`rx-connmgr benchmarks (${env.mode}) — node ${process.version}, ${String(env.cpus)}, load ${loadavg()[0]!.toFixed(2)}`);

  const progress = new Progress();
  const done: { scenario: Scenario; report: ScenarioReport }[] = [];
  let failed = 0;
  const started = performance.now();
  for (const scenario of selected) {
    progress.begin(scenario.name);
    try {
      const report = await scenario.run({ quick, progress: (text) => progress.update(text) });
      writeFileSync(
        join(RESULTS, `${scenario.name}.json`),
        `${JSON.stringify({ scenario: scenario.name, title: scenario.title, environment: env, table: report.table, targets: report.targets, notes: report.notes, data: report.data }, null, 2)}\n`,
      );
      writeFileSync(join(RESULTS, `${scenario.name}.svg`), svgLineChart(report.chart));
      progress.end(report.headline);
      done.push({ scenario, report });
    } catch (error) {
      failed++;
      progress.fail(error);
      console.error(error);
    }
  }

  const targets = done.flatMap(({ scenario, report }) =>
    report.targets.map((t) => [scenario.name, t.target, t.actual, t.met ? 'met' : 'MISSED', t.margin]),
  );
  const summary = [
    `## Benchmarks`,
    '',
    `${env.mode} run, ${String(env.date)}, node ${process.version}, ${String(env.cpus)}, load average ${loadavg()[0]!.toFixed(2)} at the end. ` +
      'Run `npm run bench` (or `npx tsx benchmarks/run.ts --quick`).',
    '',
    ...done.map(({ scenario, report }) => section(scenario, report) + '\n'),
    '### Targets',
    '',
    markdownTable(['scenario', 'target', 'actual', 'verdict', 'margin'], targets),
    '',
  ].join('\n');
  if (only === undefined) writeFileSync(join(RESULTS, 'summary.md'), summary);
  console.log(`\n${summary}`);
  console.log(
    `total ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${RESULTS}${failed ? `; ${failed} scenario(s) FAILED` : ''}`,
  );
  return failed ? 1 : 0;
}

process.exitCode = await main();
