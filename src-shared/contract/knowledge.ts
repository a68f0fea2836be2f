import { z } from 'zod'
import { defineCapability } from './capability'

/**
 * Knowledge bases: folders and files of the user's, chunked and indexed (words and vectors) in
 * their own SQLite file each, searched by hybrid retrieval (core/knowledge).
 */

const BaseId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a knowledge base id is lowercase letters, digits and dashes (at most 64)')
const Name = z.string().trim().min(1, 'a knowledge base needs a name').max(120, 'a knowledge base name is at most 120 characters')
const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(4096, 'the path is too long')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'the path must be absolute')
  .refine((p) => !p.includes('\0'), 'the path contains a NUL character')

export const EmbeddingSpecSchema = z.object({
  provider: z.string().min(1, 'the embedding provider id is empty').max(64),
  model: z.string().min(1, 'the embedding model is empty').max(200),
})

export const KnowledgeProgressSchema = z.object({
  source: z.string(),
  found: z.number(),
  done: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  removed: z.number(),
  chunks: z.number(),
  embedded: z.number(),
  current: z.string().nullable(),
})

export const KnowledgeJobSchema = z.object({
  status: z.enum(['idle', 'running', 'paused', 'cancelled', 'failed', 'done']),
  progress: KnowledgeProgressSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).loose().nullable(),
})
export type KnowledgeJobInfo = z.infer<typeof KnowledgeJobSchema>

export const KnowledgeBaseSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  embedding: EmbeddingSpecSchema.nullable(),
  vectors: z.enum(['sqlite-vec', 'exact']),
  files: z.number(),
  chunks: z.number(),
  embedded: z.number(),
  failed: z.number(),
  sources: z.array(z.object({ path: z.string(), kind: z.enum(['folder', 'file']), watch: z.boolean(), addedAt: z.number() })),
  job: KnowledgeJobSchema,
})
export type KnowledgeBaseView = z.infer<typeof KnowledgeBaseSchema>

export const KnowledgeFileSchema = z.object({
  path: z.string(),
  source: z.string(),
  kind: z.string(),
  size: z.number(),
  mtime: z.number(),
  sha256: z.string().nullable(),
  status: z.enum(['pending', 'indexed', 'error']),
  error: z.string().nullable(),
  chunks: z.number(),
  indexedAt: z.number().nullable(),
})

export const KnowledgePassageSchema = z.object({
  base: z.string(),
  chunk: z.number(),
  file: z.string(),
  kind: z.string(),
  heading: z.string(),
  text: z.string(),
  page: z.number().nullable(),
  lineStart: z.number(),
  lineEnd: z.number(),
  tokens: z.number(),
  score: z.number(),
})
export type KnowledgePassage = z.infer<typeof KnowledgePassageSchema>

const ById = z.object({ id: BaseId }).strict()
const Job = z.object({ job: KnowledgeJobSchema })

export const knowledgeRoutes = {
  'knowledge.list': { description: 'Every knowledge base with its sources, counts and indexing job.', input: z.object({}).strict(), output: z.object({ bases: z.array(KnowledgeBaseSchema) }) },
  'knowledge.create': {
    description: 'Create an empty knowledge base; `embedding` names the provider and model that make its vectors (none: words only).',
    input: z.object({ name: Name, embedding: EmbeddingSpecSchema.strict().optional() }).strict(),
    output: z.object({ base: KnowledgeBaseSchema }),
  },
  'knowledge.rename': { description: 'Rename a knowledge base.', input: z.object({ id: BaseId, name: Name }).strict(), output: z.object({ base: KnowledgeBaseSchema }) },
  'knowledge.remove': { description: 'Delete a knowledge base and its index file (the files it indexed are not touched).', input: ById, output: z.object({ removed: z.string() }) },
  'knowledge.addSource': {
    description: 'Add a folder or a regular file to a knowledge base (indexed by knowledge.sync); `watch` re-indexes a folder when it changes.',
    input: z.object({ id: BaseId, path: AbsolutePath, watch: z.boolean().optional() }).strict(),
    output: z.object({ base: KnowledgeBaseSchema }),
  },
  'knowledge.removeSource': { description: 'Remove a source with everything indexed from it.', input: z.object({ id: BaseId, path: AbsolutePath }).strict(), output: z.object({ base: KnowledgeBaseSchema }) },
  'knowledge.files': { description: 'The files of a knowledge base with their state and, for those that failed, why.', input: ById, output: z.object({ files: z.array(KnowledgeFileSchema) }) },
  'knowledge.sync': { description: 'Start indexing a knowledge base (new and changed files; removed files leave it); progress arrives as knowledge.job events.', input: ById, output: Job },
  'knowledge.pause': { description: 'Pause the indexing job of a knowledge base at its next file or batch.', input: ById, output: Job },
  'knowledge.resume': { description: 'Resume a paused indexing job.', input: ById, output: Job },
  'knowledge.cancel': { description: 'Cancel an indexing job; files not reached stay pending for the next sync.', input: ById, output: Job },
  'knowledge.search': {
    description: 'Hybrid retrieval (BM25 and vectors fused by reciprocal rank) over one or more knowledge bases, with optional folder and file-type filters.',
    input: z
      .object({
        bases: z.array(BaseId).min(1, 'name at least one knowledge base').max(20, 'at most 20 knowledge bases at once'),
        query: z.string().trim().min(1, 'the query is empty').max(2000, 'the query is at most 2,000 characters'),
        k: z.number().int().min(1).max(50).optional(),
        mode: z.enum(['hybrid', 'keyword', 'vector']).optional(),
        folder: AbsolutePath.optional(),
        kinds: z.array(z.enum(['text', 'code', 'markdown', 'csv', 'json', 'html', 'pdf', 'docx'])).max(8).optional(),
      })
      .strict(),
    output: z.object({ passages: z.array(KnowledgePassageSchema) }),
  },
} as const

export const knowledgeEvents = {
  /** An indexing job started, moved on, paused or ended. */
  'knowledge.job': z.object({ base: z.string(), job: KnowledgeJobSchema }),
}

export const knowledgeCapability = defineCapability({ name: 'knowledge', routes: knowledgeRoutes, events: knowledgeEvents })
