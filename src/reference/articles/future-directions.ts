/**
 * Computed numbers for the article "Where projector design is going" that do not come from a
 * notebook result: the real-size rank at which a factorised projector stops saving parameters, and
 * the width of the generator condition an output projector must produce. Experiment numbers are
 * bound in the article with <ResultNum> to the committed results.
 */
import { summarizePreset } from '../preset-summary';
import { getProjector } from '../../projectors/registry';

const llava = summarizePreset('llava-v1-7b');
const [, , llavaDm] = (llava.outputShape ?? []) as [number, number, number];
const llavaDv = (llava.input?.vision[2] ?? 0) as number;

/**
 * The rank above which r·(Dv + Dm) + Dm (the low-rank module's count) exceeds Dv·Dm + Dm (the
 * linear module's): r* = Dv·Dm / (Dv + Dm). Checked against both modules' paramCount below.
 */
export const LOW_RANK_CROSSOVER = {
  visionDim: llavaDv,
  llmDim: llavaDm,
  rank: (llavaDv * llavaDm) / (llavaDv + llavaDm),
  linearParams: llava.params,
};
{
  const lowRank = getProjector('low-rank');
  const below = Math.floor(LOW_RANK_CROSSOVER.rank);
  const count = (rank: number): number => lowRank.paramCount(lowRank.schema.parse({ visionDim: llavaDv, rank, llmDim: llavaDm }));
  if (!(count(below) <= llava.params && count(below + 1) > llava.params)) {
    throw new Error(`future-directions: the low-rank crossover ${LOW_RANK_CROSSOVER.rank} disagrees with the modules' counts`);
  }
}

/** Stable Diffusion v1.5's text condition, the target of NExT-GPT's image output projector: [tokens, width]. */
const sd = summarizePreset('nextgpt-image-output').outputShape ?? [];
export const SD_CONDITION = { tokens: sd[1] ?? 0, width: sd[2] ?? 0 };
/** AudioLDM's condition, the target of NExT-GPT's audio output projector. */
const audio = summarizePreset('nextgpt-audio-output').outputShape ?? [];
export const AUDIO_CONDITION = { tokens: audio[1] ?? 0, width: audio[2] ?? 0 };
