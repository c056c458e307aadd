import type { ChartSpec } from '../report/svgLineChart.js';

/** What the runner hands a scenario. */
export interface ScenarioContext {
  /** `--quick`: fewer and shorter rounds, so the whole suite stays under a minute. */
  readonly quick: boolean;
  /** Reports what the scenario is doing now (the progress line). */
  readonly progress: (text: string) => void;
}

/** One target of the issue, checked against a figure. Targets are reported, never asserted. */
export interface TargetCheck {
  readonly target: string;
  readonly actual: string;
  readonly met: boolean;
  /** How far off (or how much room), in words: "missed by 9.6×", "met with 12 ms to spare". */
  readonly margin: string;
}

/** What a scenario produced: a summary table, a chart, the targets it checks, and its raw data. */
export interface ScenarioReport {
  /** One-line verdict for the progress display. */
  readonly headline: string;
  readonly table: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly chart: ChartSpec;
  readonly targets: readonly TargetCheck[];
  /** Parameters and caveats, in sentences. */
  readonly notes: readonly string[];
  /** Everything measured, for `results/<name>.json`. */
  readonly data: unknown;
}

/** A benchmark scenario: bounded in count and time, stops by itself. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  run(context: ScenarioContext): Promise<ScenarioReport>;
}
