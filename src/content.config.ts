/**
 * Content collections. Articles live in ../content/articles as MDX; their frontmatter is validated
 * here, so a missing title or a malformed date fails the build naming the file and the field.
 */
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

const bibKey = z.string().regex(/^[a-z0-9]+$/, 'bibliography keys are lowercase ASCII letters and digits');

export const articleSchema = z.object({
  title: z.string().min(3),
  /** One sentence for cards, meta description and search results. */
  description: z.string().min(20).max(300),
  /** The abstract shown in the title block. */
  abstract: z.string().min(20),
  authors: z.array(z.object({ name: z.string(), family: z.string(), given: z.string().optional(), affiliation: z.string().optional() })).min(1),
  published: z.coerce.date(),
  updated: z.coerce.date(),
  /** Position in the tutorial path (1 = first). */
  order: z.number().int().positive(),
  tags: z.array(z.string()).default([]),
  /** Bibliography keys listed at the end even when not cited inline (cited keys are collected automatically). */
  references: z.array(bibKey).default([]),
  /** Reader questions (ids from reader-questions.md) this article answers. */
  answers: z.array(z.string()).default([]),
}).refine((a) => a.updated >= a.published, { message: 'updated must not be before published', path: ['updated'] });

export type ArticleFrontmatter = z.infer<typeof articleSchema>;

export const collections = {
  articles: defineCollection({
    loader: glob({ base: './content/articles', pattern: '**/*.mdx' }),
    schema: articleSchema,
  }),
};
