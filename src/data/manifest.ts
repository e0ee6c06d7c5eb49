/**
 * The manifest every committed dataset ships with (public/data/<dataset>/manifest.json). It is the
 * boundary between the build pipeline (scripts/data) and every reader, so it is validated with zod on
 * every load: a stale or hand-edited manifest fails loudly, naming the field.
 *
 * File paths are relative to the site root (public/ on disk, import.meta.env.BASE_URL in the browser).
 */
import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case');

/** Where the bytes came from: a package on a registry, with its exact version and licence. */
export const SourceSchema = z.object({
  id: Id,
  title: z.string().min(1), // what the reader sees, e.g. "Noto Emoji images"
  package: z.string().min(1), // registry package name
  version: z.string().min(1), // exact pinned version
  registry: z.enum(['npm', 'debian']),
  licence: z.string().min(1), // SPDX id or short licence name
  attribution: z.string().min(1), // the credit line shown on the site
  url: z.string().url().optional(), // the project's home page, for the credit link
});
export type Source = z.infer<typeof SourceSchema>;

/** How a feature matrix was reduced, so the browser can project a fresh encoding the same way. */
export const PcaSchema = z.object({
  inputDim: z.number().int().positive(),
  components: z.number().int().positive(),
  fitOn: z.string().min(1), // e.g. "train split, 1,529 pooled vectors"
  method: z.string().min(1),
  explainedVariance: z.number().min(0).max(1), // fraction of the fit set's total variance kept
  meanArtefact: Id, // [inputDim] float16
  basisArtefact: Id, // [components, inputDim] float16, orthonormal rows
});
export type Pca = z.infer<typeof PcaSchema>;

export const DTYPES = ['float16', 'uint8', 'uint16', 'json', 'png'] as const;
export type Dtype = (typeof DTYPES)[number];

export const ArtefactSchema = z.object({
  id: Id,
  file: z.string().regex(/^[a-z0-9][a-z0-9_./-]*$/, 'file paths are relative, lowercase'),
  dtype: z.enum(DTYPES),
  shape: z.array(z.number().int().nonnegative()), // [] for JSON documents and images
  bytes: z.number().int().positive(),
  sha256: Sha256,
  sources: z.array(Id).min(1),
  description: z.string().min(1),
  pca: PcaSchema.optional(),
});
export type Artefact = z.infer<typeof ArtefactSchema>;

export const ManifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    dataset: Id,
    title: z.string().min(1),
    description: z.string().min(1),
    generator: z.object({
      script: z.string().min(1), // the command that regenerates this folder
      tfjs: z.string().min(1), // tfjs version used for any model run
      backend: z.string().min(1), // backend used for any model run
    }),
    sources: z.array(SourceSchema).min(1),
    artefacts: z.array(ArtefactSchema).min(1),
    // Dataset-specific facts (split, counts, tolerances) as plain JSON, validated by the dataset loader.
    details: z.record(z.string(), z.unknown()),
  })
  .superRefine((m, ctx) => {
    const sourceIds = new Set(m.sources.map((s) => s.id));
    const artefactIds = new Set<string>();
    m.artefacts.forEach((a, i) => {
      if (artefactIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['artefacts', i, 'id'], message: `duplicate artefact id ${a.id}` });
      artefactIds.add(a.id);
      a.sources.forEach((s, j) => {
        if (!sourceIds.has(s)) ctx.addIssue({ code: 'custom', path: ['artefacts', i, 'sources', j], message: `unknown source ${s}` });
      });
      const width = a.dtype === 'float16' || a.dtype === 'uint16' ? 2 : 1;
      if (a.dtype !== 'json' && a.dtype !== 'png') {
        const expected = a.shape.reduce((p, d) => p * d, 1) * width;
        if (expected !== a.bytes) {
          ctx.addIssue({ code: 'custom', path: ['artefacts', i, 'bytes'], message: `${a.id}: shape ${a.shape.join('x')} × ${width} B = ${expected} B, manifest says ${a.bytes}` });
        }
      }
    });
    m.artefacts.forEach((a, i) => {
      if (!a.pca) return;
      for (const key of ['meanArtefact', 'basisArtefact'] as const) {
        if (!artefactIds.has(a.pca[key])) ctx.addIssue({ code: 'custom', path: ['artefacts', i, 'pca', key], message: `unknown artefact ${a.pca[key]}` });
      }
    });
  });
export type Manifest = z.infer<typeof ManifestSchema>;

/** Parse a manifest, with an error that names the dataset and the first bad field. */
export function parseManifest(json: unknown, where: string): Manifest {
  const result = ManifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where}: invalid manifest at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown error'}`);
  }
  return result.data;
}
