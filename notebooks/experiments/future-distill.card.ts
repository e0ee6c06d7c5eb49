/**
 * Card of the future-distill notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Distilling an MLP projector into a linear one, the second "lightweight design" route the source
 * article proposes (knowledge distillation). Task: the emoji images' pooled MobileNetV2 features
 * (the leading Di PCA components) → the 512-d USE caption space; quality is image → caption
 * retrieval among the 382 held-out captions.
 *
 * Teacher: an MLP projector Linear(Di, H) → GELU → Linear(H, 512). Its first layer is a seeded random
 * projection (N(0, 1/Di) weights, zero bias) and only its second layer is fitted, by ridge regression
 * on the captions of a seeded subsample of the train split (a random-features MLP: fitted in closed
 * form, so a run fits the browser budget; it is not LLaVA's end-to-end trained MLP).
 * Students, both Linear(Di, 512) fitted by ridge on the same train rows:
 *   - distilled: regressed on the teacher's outputs (the teacher labels the train images);
 *   - direct: regressed on the captions themselves (the baseline a distilled student must beat).
 * Scores on the held-out split: retrieval of each, and how closely each student reproduces the
 * teacher (mean cosine between student and teacher outputs). Parameters from the library's linear
 * module (the teacher is two linear layers).
 *
 * Shapes: X [n, Di]; hidden GELU(X·W1) [n, H]; captions [n, 512]; student W [Di, 512].
 * Departures: a random-features teacher instead of a trained one; closed-form students; retrieval
 * instead of an LLM's loss.
 */
import { z } from 'zod';
import { finite, intField, seedField } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('train subsample and the teacher’s first layer'),
    imageDims: intField(16, 256).describe('Image input width Di (leading PCA components of 256)'),
    hidden: intField(16, 1024).describe('Teacher hidden width H'),
    ridgeLambda: z.number().min(0.01).max(1000).describe('Ridge strength λ (teacher head and both students)'),
    subsample: z.number().min(0.2).max(1).describe('Fraction of the train split used for fitting'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** Closed form: the teacher head's ridge fit (H × H) dominates; H = 384 keeps a default run inside the browser budget. */
export const defaults: Config = { seed: 7, imageDims: 128, hidden: 384, ridgeLambda: 10, subsample: 0.8 };

const modelSchema = z
  .object({
    key: z.enum(['teacher', 'distilled', 'direct']),
    label: z.string(),
    params: z.number().int().positive(),
    recallAt1: finite,
    recallAt10: finite,
    /** Mean cosine between this model's and the teacher's held-out outputs (1 for the teacher). */
    agreement: finite,
  })
  .strict();

export const resultSchema = z
  .object({
    models: z.array(modelSchema).length(3),
    chanceRecallAt10: finite,
    trainRows: z.number().int().positive(),
    testRows: z.number().int().positive(),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;
export type ModelResult = z.infer<typeof modelSchema>;

const model = (r: Record<string, Result>, key: ModelResult['key']): ModelResult => (r.main as Result).models.find((m) => m.key === key) as ModelResult;

/** Five seeds: the train subsample and the teacher's random first layer change; the test split does not. */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    teacherR10: { label: 'Teacher MLP R@10', format: 'percent', of: (r) => model(r, 'teacher').recallAt10 },
    distilledR10: { label: 'Distilled linear R@10', format: 'percent', of: (r) => model(r, 'distilled').recallAt10 },
    directR10: { label: 'Direct linear R@10', format: 'percent', of: (r) => model(r, 'direct').recallAt10 },
    distilledAgreement: { label: 'Distilled: cosine to the teacher', format: 'fixed4', of: (r) => model(r, 'distilled').agreement },
    directAgreement: { label: 'Direct: cosine to the teacher', format: 'fixed4', of: (r) => model(r, 'direct').agreement },
  },
  differences: {
    teacherMinusDistilled: { label: 'Teacher − distilled R@10', a: 'teacherR10', b: 'distilledR10' },
    distilledMinusDirect: { label: 'Distilled − direct R@10', a: 'distilledR10', b: 'directR10' },
    agreementGain: { label: 'Distilled − direct cosine to the teacher', a: 'distilledAgreement', b: 'directAgreement' },
  },
};

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.models.map((m, i) => [
    m.label,
    num(m.params, 'int', `models.${i}.params`),
    num(m.recallAt1, 'percent', `models.${i}.recallAt1`),
    num(m.recallAt10, 'percent', `models.${i}.recallAt10`),
    num(m.agreement, 'fixed4', `models.${i}.agreement`),
  ]);
  rows.push(['Chance', '—', '—', num(result.chanceRecallAt10, 'percent', 'chanceRecallAt10'), '—']);
  return [
    {
      kind: 'table',
      caption: 'Held-out image → caption retrieval of the MLP teacher and the two linear students, and how closely each reproduces the teacher',
      columns: ['Projector', 'Parameters', 'R@1', 'R@10', 'Cosine to teacher'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'bar',
      caption: 'Held-out R@10 of the teacher and the two students',
      data: { rows: result.models.map((m) => ({ key: m.key, label: m.label, value: m.recallAt10 })) },
      opts: { id: 'distill-r10', title: 'Held-out R@10', format: { kind: 'percent', digits: 1 }, xLabel: 'R@10' },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'future-distill',
  title: 'Can a linear projector learn from an MLP teacher?',
  question:
    'Knowledge distillation is the other proposed route to lighter projectors: train a small projector to reproduce a larger one. ' +
    'With an MLP projector as teacher on real image–caption pairs, does a linear student fitted to the teacher’s outputs ' +
    'retrieve captions better than a linear map fitted to the captions directly, and how close does it get to the teacher?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
