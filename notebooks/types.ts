/**
 * The contract of an experiment (design.md, "An experiment is a pure function").
 *
 * A notebook is a module whose `run` maps a validated config to plain JSON. It is pure: every random
 * number comes from `config.seed` (seeded RNG or seeded tfjs ops), never from an unseeded generator or the
 * clock, so the same config gives the same JSON in Node (CLI, tests) and in a browser Worker on the
 * same backend. `present` turns a result into plain view blocks (tables, figures) that the Lab page
 * renders at build time and again after a live run.
 */
import type { z } from 'zod';
import { summariseSweep, sweepTables, sweepVariants, type SeedSweepResult, type SeedSweepSpec } from './toolkit/seed-sweep';
import type { ViewBlock } from './view';

/** Every config carries its seed, so a result is reproducible from its config alone. */
export interface BaseConfig {
  seed: number;
}

/** Progress callback: fraction in [0, 1] and a short human message. */
export type ProgressFn = (fraction: number, message: string) => void;

export interface RunContext {
  onProgress: ProgressFn;
  /** Aborting makes `run` reject with an AbortError at its next checkpoint. */
  signal: AbortSignal;
}

/**
 * What a notebook is, without how it runs: id, question, schema, defaults, result schema and how to
 * present a result. Cards import no tfjs, so Lab pages can build forms, read URL state and repaint
 * results without downloading tfjs; only the Worker loads the runnable module.
 */
export interface NotebookCard<C extends BaseConfig, R> {
  /** kebab-case id: file name, URL segment and CLI argument. */
  id: string;
  title: string;
  /** The question the experiment answers, one paragraph, shown on the Lab page. */
  question: string;
  /**
   * A strict zod object. Field `.describe()` texts become form labels and CLI help; number
   * min/max/int checks become input attributes. Errors name the field.
   */
  schema: z.ZodObject<z.ZodRawShape, 'strict', z.ZodTypeAny, C, unknown>;
  /** Small defaults: each default run takes under 5 s in a browser Worker on wasm. */
  defaults: C;
  /** Validates the result before it is written, painted or compared (finite numbers only). */
  resultSchema: z.ZodType<R, z.ZodTypeDef, unknown>;
  /** Plain, DOM-free description of how to show a result. */
  present(result: R, config: C): ViewBlock[];
  /**
   * The headline numbers and comparisons the CLI reruns over several seeds and commits as
   * `result.seedSweep` (toolkit/seed-sweep.ts); the result schema then has an optional `seedSweep`.
   */
  seedSweep?: SeedSweepSpec<C, R>;
}

export interface Notebook<C extends BaseConfig, R> extends NotebookCard<C, R> {
  run(config: C, ctx: RunContext): Promise<R>;
}

/**
 * A card with its type parameters erased, for the catalogue and pages. It validates at its
 * boundaries so callers holding `unknown` values cannot pass a wrong config or result.
 */
export interface AnyNotebookCard {
  id: string;
  title: string;
  question: string;
  schema: z.ZodObject<z.ZodRawShape, 'strict', z.ZodTypeAny, BaseConfig, unknown>;
  defaults: BaseConfig;
  resultSchema: z.ZodType<unknown, z.ZodTypeDef, unknown>;
  /** Parses the result and config (throws naming the field), then presents (with the seed-sweep tables when the result has them). */
  present(result: unknown, config: unknown): ViewBlock[];
  /** The seed sweep, erased: its seeds, the runs of one seed, and the summary of all seeds' runs. */
  seedSweep?: {
    seeds: readonly number[];
    variants(config: unknown, seed: number): Record<string, unknown>;
    summarise(perSeed: readonly Record<string, unknown>[]): SeedSweepResult;
  };
}

/** A runnable notebook with its type parameters erased (registry, CLI, Worker, tests). */
export interface AnyNotebook extends AnyNotebookCard {
  /** Parses the config (throws ConfigError naming fields) and runs. */
  run(config: unknown, ctx: RunContext): Promise<unknown>;
}

/** Raised when a config does not validate; `issues` name each bad field. */
export class ConfigError extends Error {
  readonly issues: readonly { field: string; message: string }[];
  constructor(issues: readonly { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** The error `run` rejects with when its signal is aborted. Name matches DOMException's. */
export class RunAbortedError extends Error {
  constructor(message = 'run cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

/** Throws an AbortError when the signal has fired. Call between steps. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new RunAbortedError();
}

export const isAbortError = (err: unknown): boolean => err instanceof Error && err.name === 'AbortError';

/**
 * Gives the event loop a turn, so a Worker can receive its cancel message and post progress while
 * a long run is in progress. setTimeout rather than a microtask: messages are macrotasks.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Maps zod issues to field-named messages. */
export function zodIssuesToFields(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const field = issue.path.length > 0 ? issue.path.join('.') : keys || '(config)';
    return { field, message: issue.message };
  });
}

function configParser<C extends BaseConfig>(schema: NotebookCard<C, unknown>['schema']): (config: unknown) => C {
  return (config) => {
    const parsed = schema.safeParse(config);
    if (!parsed.success) throw new ConfigError(zodIssuesToFields(parsed.error));
    return parsed.data;
  };
}

/** Erases a card's type parameters behind validating wrappers. */
export function defineCard<C extends BaseConfig, R>(card: NotebookCard<C, R>): AnyNotebookCard {
  const parseConfig = configParser(card.schema);
  const sweep = card.seedSweep;
  return {
    id: card.id,
    title: card.title,
    question: card.question,
    schema: card.schema as unknown as AnyNotebookCard['schema'],
    defaults: card.defaults,
    resultSchema: card.resultSchema,
    present: (result, config) => {
      const parsed = card.resultSchema.parse(result);
      const blocks = card.present(parsed, parseConfig(config));
      const committedSweep = (parsed as { seedSweep?: SeedSweepResult }).seedSweep;
      return sweep && committedSweep ? [...blocks, ...sweepTables(sweep, committedSweep)] : blocks;
    },
    ...(sweep
      ? {
          seedSweep: {
            seeds: sweep.seeds,
            variants: (config: unknown, seed: number) => sweepVariants(sweep, parseConfig(config), seed),
            summarise: (perSeed: readonly Record<string, unknown>[]) =>
              summariseSweep(sweep, perSeed.map((runs) => Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, card.resultSchema.parse(r)])))),
          },
        }
      : {}),
  };
}

/** A runnable notebook from its card and its run function. */
export function defineNotebook<C extends BaseConfig, R>(card: NotebookCard<C, R>, run: Notebook<C, R>['run']): AnyNotebook {
  const parseConfig = configParser(card.schema);
  return {
    ...defineCard(card),
    run: async (config, ctx) => {
      const result = card.resultSchema.safeParse(await run(parseConfig(config), ctx));
      if (result.success) return result.data;
      // Usually a diverging run (NaN or Infinity): name the first bad value instead of painting it.
      const issue = result.error.issues[0];
      throw new Error(
        `${card.id} produced an invalid result (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}); ` +
          'a diverging run (for example a learning rate that is too high) gives non-finite numbers',
      );
    },
  };
}
