/** What a file holds, decided from its name and type: how its text is read. */
export type DocumentKind = 'text' | 'code' | 'markdown' | 'csv' | 'json' | 'html' | 'pdf' | 'docx' | 'image'

/** The attachment size limit: files larger than this are refused before they are read. */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
export const MAX_DOCUMENT_LABEL = '50 MB'

const CODE_EXTENSIONS = new Set([
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'py', 'rb', 'go', 'rs', 'java', 'kt', 'kts', 'scala', 'c', 'h', 'cc', 'cpp', 'hpp', 'cs', 'swift', 'm',
  'php', 'pl', 'lua', 'r', 'sql', 'sh', 'bash', 'zsh', 'fish', 'ps1', 'bat', 'css', 'scss', 'less', 'vue', 'svelte', 'dart', 'ex', 'exs', 'erl',
  'hs', 'ml', 'clj', 'zig', 'nim', 'jl', 'toml', 'yaml', 'yml', 'ini', 'cfg', 'conf', 'xml', 'gradle', 'dockerfile', 'makefile', 'proto', 'graphql',
])
const TEXT_EXTENSIONS = new Set(['txt', 'text', 'log', 'rst', 'tex', 'env', 'properties', 'tsv', 'srt', 'vtt'])

const extensionOf = (name: string): string => {
  const base = name.toLowerCase().split(/[\\/]/).pop() ?? ''
  if (base === 'dockerfile' || base === 'makefile') return base
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1) : ''
}

/** The kind of a file, or undefined for one no reader understands (a zip, an executable, a video). */
export function documentKind(name: string, mime: string): DocumentKind | undefined {
  const ext = extensionOf(name)
  const type = mime.toLowerCase().split(';')[0]?.trim() ?? ''
  if (ext === 'pdf' || type === 'application/pdf') return 'pdf'
  if (ext === 'docx' || type === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') return 'docx'
  if (ext === 'md' || ext === 'markdown' || type === 'text/markdown') return 'markdown'
  if (ext === 'csv' || type === 'text/csv') return 'csv'
  if (ext === 'json' || ext === 'jsonl' || type === 'application/json') return 'json'
  if (ext === 'html' || ext === 'htm' || type === 'text/html') return 'html'
  if (type.startsWith('image/') && ['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(type)) return 'image'
  if (CODE_EXTENSIONS.has(ext)) return 'code'
  if (TEXT_EXTENSIONS.has(ext) || type.startsWith('text/')) return 'text'
  if (ext === '' && (type === '' || type === 'application/octet-stream')) return 'text'
  return undefined
}

/** The language a fence is labelled with, for kinds whose text keeps its syntax. */
export function fenceLanguage(name: string, kind: DocumentKind): string {
  if (kind === 'csv' || kind === 'json' || kind === 'markdown') return kind
  if (kind === 'code') return extensionOf(name)
  return ''
}
