import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Fit, Machine, RecommendedModel } from '../../../src-shared/contract'

const GB = 1024 ** 3

export interface CatalogEntry {
  name: string
  title: string
  description: string
  use: RecommendedModel['use']
  parameterSize: string
  /** Download size (bytes), as ollama.com/library lists it for the default quantisation. */
  size: number
  /** Memory to run it with room for a normal context, following Ollama's own guidance (7B → 8 GB). */
  ram: number
}

/** A short, curated list: good defaults per size class and use, all in Ollama's library. */
export const catalog: CatalogEntry[] = (
  [
  { name: 'llama3.2:1b', title: 'Llama 3.2 1B', description: 'Tiny and fast; fine for simple chat on any machine.', use: 'chat', parameterSize: '1B', size: 1.3 * GB, ram: 4 * GB },
  { name: 'llama3.2:3b', title: 'Llama 3.2 3B', description: 'A capable small chat model; the safe first pick.', use: 'chat', parameterSize: '3B', size: 2.0 * GB, ram: 6 * GB },
  { name: 'gemma3:4b', title: 'Gemma 3 4B', description: 'Google’s small model; reads images too.', use: 'vision', parameterSize: '4B', size: 3.3 * GB, ram: 8 * GB },
  { name: 'qwen3:8b', title: 'Qwen 3 8B', description: 'Strong all-rounder with a thinking mode.', use: 'reasoning', parameterSize: '8B', size: 5.2 * GB, ram: 8 * GB },
  { name: 'llama3.1:8b', title: 'Llama 3.1 8B', description: 'Popular general chat model with tool calling.', use: 'chat', parameterSize: '8B', size: 4.9 * GB, ram: 8 * GB },
  { name: 'qwen2.5-coder:7b', title: 'Qwen 2.5 Coder 7B', description: 'Code completion and explanation.', use: 'code', parameterSize: '7B', size: 4.7 * GB, ram: 8 * GB },
  { name: 'gemma3:12b', title: 'Gemma 3 12B', description: 'Noticeably smarter; wants 16 GB.', use: 'vision', parameterSize: '12B', size: 8.1 * GB, ram: 16 * GB },
  { name: 'qwen3:14b', title: 'Qwen 3 14B', description: 'Better reasoning for machines with 16 GB or more.', use: 'reasoning', parameterSize: '14B', size: 9.3 * GB, ram: 16 * GB },
  { name: 'gpt-oss:20b', title: 'gpt-oss 20B', description: 'OpenAI’s open-weight model; agentic tasks and tools.', use: 'reasoning', parameterSize: '20B', size: 14 * GB, ram: 16 * GB },
  { name: 'gemma3:27b', title: 'Gemma 3 27B', description: 'Large and capable; 32 GB of memory.', use: 'vision', parameterSize: '27B', size: 17 * GB, ram: 32 * GB },
  { name: 'qwen3:30b', title: 'Qwen 3 30B (MoE)', description: 'Mixture of experts: big-model quality at mid-size speed.', use: 'reasoning', parameterSize: '30B', size: 19 * GB, ram: 32 * GB },
  { name: 'llama3.3:70b', title: 'Llama 3.3 70B', description: 'Near-frontier quality for workstations with 64 GB.', use: 'chat', parameterSize: '70B', size: 43 * GB, ram: 64 * GB },
  { name: 'nomic-embed-text', title: 'Nomic Embed Text', description: 'Embeddings for search and RAG; not a chat model.', use: 'embedding', parameterSize: '137M', size: 0.27 * GB, ram: 2 * GB },
  ] satisfies CatalogEntry[]
).map((entry) => ({ ...entry, size: Math.round(entry.size), ram: Math.round(entry.ram) }))

const gb = (bytes: number): string => `${(bytes / GB).toFixed(bytes < 10 * GB ? 1 : 0)} GB`

/** Where Ollama keeps models: OLLAMA_MODELS, else ~/.ollama/models (as the server decides). */
export function modelsDir(env: Record<string, string | undefined>, home: string = os.homedir()): string {
  return env.OLLAMA_MODELS || path.join(home, '.ollama', 'models')
}

/** Free bytes on the disk holding `dir` (or its nearest existing parent); null when unknown. */
export async function freeDiskBytes(dir: string): Promise<number | null> {
  let current = path.resolve(dir)
  for (;;) {
    try {
      const stats = await fs.promises.statfs(current)
      return stats.bavail * stats.bsize
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return null
      current = parent
    }
  }
}

export async function probeMachine(env: Record<string, string | undefined>, home?: string): Promise<Machine> {
  const dir = modelsDir(env, home)
  return {
    totalMemory: os.totalmem(),
    freeDisk: await freeDiskBytes(dir),
    modelsDir: dir,
    gpu: 'unknown',
    note: 'GPU and VRAM are not detected yet, so this assumes the model runs from system memory; with a large GPU, bigger models fit.',
  }
}

function fitOf(entry: CatalogEntry, machine: Machine): { fit: Fit; reason: string } {
  if (machine.freeDisk !== null && machine.freeDisk < entry.size * 1.05) {
    return { fit: 'too-big', reason: `Needs ${gb(entry.size)} of disk; ${gb(machine.freeDisk)} is free.` }
  }
  if (machine.totalMemory >= entry.ram) return { fit: 'good', reason: `Wants ${gb(entry.ram)} of memory; this machine has ${gb(machine.totalMemory)}.` }
  if (machine.totalMemory >= entry.size * 1.5) return { fit: 'tight', reason: `Runs, but slowly: wants ${gb(entry.ram)}, this machine has ${gb(machine.totalMemory)}.` }
  return { fit: 'too-big', reason: `Needs about ${gb(entry.ram)} of memory; this machine has ${gb(machine.totalMemory)}.` }
}

const rank: Record<Fit, number> = { good: 0, tight: 1, 'too-big': 2 }

/**
 * The catalog judged against this machine: what fits comfortably first (largest first, since a
 * bigger model that fits is the better one), then what runs tight, then what does not fit.
 */
export function recommend(machine: Machine, installed: ReadonlySet<string>, entries: CatalogEntry[] = catalog): RecommendedModel[] {
  return entries
    .map((entry) => ({ ...entry, ...fitOf(entry, machine), installed: installed.has(entry.name) || installed.has(`${entry.name}:latest`) }))
    .sort((a, b) => rank[a.fit] - rank[b.fit] || (a.fit === 'too-big' ? a.ram - b.ram : b.ram - a.ram) || a.size - b.size)
}
