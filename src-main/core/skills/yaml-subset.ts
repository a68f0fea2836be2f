import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml'

/**
 * The YAML of SKILL.md (and Claude Code agent and plugin) frontmatter, read with the `yaml` package:
 * all of YAML 1.2 (inline maps, flow lists, anchors and aliases, block scalars) as plain JSON-like
 * data; the document must be a map or a list. Every error names its line, in words a skill author
 * can act on. (The name stays from the hand-written subset it replaced; callers did not change.)
 */

/** A YAML problem at a line; the caller that knows the file turns it into its own error. */
export class YamlSubsetError extends Error {
  readonly line: number
  readonly problem: string
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`)
    this.line = line
    this.problem = problem
  }
}

export interface ParsedYaml {
  value: unknown
  /** Line of every key and list item, by dotted path (`hooks.SkillTrigger.0.hooks.0.command`). */
  lines: Map<string, number>
}

/** Parses frontmatter YAML; `firstLine` is the file line of the text's first line (for messages). */
export function parseYamlSubset(text: string, firstLine = 1): ParsedYaml {
  const counter = new LineCounter()
  // Known tags (!!binary, !!set, …) stay plain text: frontmatter is data, never objects.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, keepSourceTokens: true, resolveKnownTags: false })
  const lineAt = (offset: number): number => counter.linePos(offset).line + firstLine - 1
  const [error] = doc.errors
  if (error) {
    const { problem, line } = problemOf(error, doc, text, lineAt)
    throw new YamlSubsetError(line ?? lineAt(error.pos[0]), problem)
  }
  const root = doc.contents
  if (root !== null && !isCollection(root)) {
    const offset = root.range?.[0] ?? 0
    throw new YamlSubsetError(lineAt(offset), `expected "key: value", found "${restOfLine(text, offset).slice(0, 60)}"`)
  }
  const lines = new Map<string, number>()
  recordLines(root, '', lines, lineAt)
  return { value: toData(doc, lineAt), lines }
}

/** What to tell the author for a parse error, and the line when it is not where the parser stopped. */
function problemOf(error: YAMLError, doc: Document, text: string, lineAt: (offset: number) => number): { problem: string; line?: number } {
  const [start, end] = error.pos
  const quote = /^Missing closing (["'])quote/.exec(error.message)
  const flowEnd = /must be sufficiently indented and end with a ([\]}])/.exec(error.message)
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return { problem: `the key "${keyAt(doc, start) ?? restOfLine(text, start)}" appears twice` }
    case 'TAB_AS_INDENT':
      return { problem: 'tabs are not allowed for indentation; use spaces' }
    case 'BAD_DQ_ESCAPE':
      return { problem: 'unknown escape sequence in a double-quoted string' }
    case 'BAD_SCALAR_START':
      return { problem: `"${text[start] ?? ''}" at the start of a value is not supported; put the value in quotes` }
    case 'MULTIPLE_DOCS':
      return { problem: 'a second document ("---") is not supported here' }
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // `a: 1` then `  b: 2`: the indented line reads as a key nested inside the value of `a`.
      const spread = doc.errors.find((other) => other.code === 'MULTILINE_IMPLICIT_KEY' && other.pos[0] === start)
      if (spread) return { line: lineAt(spread.pos[1]), problem: 'unexpected indentation' }
      return { problem: `a value containing ": " must be in quotes: "${restOfLine(text, start).slice(0, 60)}"` }
    }
    case 'MULTILINE_IMPLICIT_KEY':
      if (/^-(\s|$)/.test(restOfLine(text, start))) return { problem: 'a list item where a "key: value" line was expected' }
      break
    case 'UNEXPECTED_TOKEN': {
      const before = text.slice(0, start).trimEnd().at(-1)
      const after = before === '"' || before === "'" ? ' after the closing quote' : before === ']' || before === '}' ? ` after "${before}"` : ''
      return { problem: `unexpected "${restOfLine(text, start).slice(0, 30)}"${after}` }
    }
  }
  if (quote) return { problem: `missing the closing ${quote[1]} quote` }
  if (flowEnd) return { problem: `missing "${flowEnd[1]}" at the end of the ${flowEnd[1] === ']' ? 'list' : 'map'}` }
  if (error.code === 'BAD_INDENT') return { problem: 'unexpected indentation' }
  return { problem: `${error.message}${end > start ? ` (at "${text.slice(start, end).split('\n')[0]?.slice(0, 30)}")` : ''}` }
}

/** The document as plain data; an alias without its anchor is an error at its line. */
function toData(doc: Document, lineAt: (offset: number) => number): unknown {
  try {
    return doc.toJS()
  } catch (error) {
    let culprit: { offset: number; source: string } | undefined
    visit(doc, {
      Alias(_key, alias) {
        if (alias.resolve(doc) !== undefined) return undefined
        culprit = { offset: alias.range?.[0] ?? 0, source: alias.source }
        return visit.BREAK
      },
    })
    if (culprit) throw new YamlSubsetError(lineAt(culprit.offset), `the alias "*${culprit.source}" has no anchor "&${culprit.source}" before it`)
    throw new YamlSubsetError(lineAt(0), error instanceof Error ? error.message : String(error))
  }
}

function recordLines(node: unknown, path: string, lines: Map<string, number>, lineAt: (offset: number) => number): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = keyText(pair.key)
      const keyPath = path === '' ? key : `${path}.${key}`
      const offset = isScalar(pair.key) || isCollection(pair.key) || isAlias(pair.key) ? pair.key.range?.[0] : undefined
      if (offset !== undefined && !lines.has(keyPath)) lines.set(keyPath, lineAt(offset))
      recordLines(pair.value, keyPath, lines, lineAt)
    }
  } else if (isSeq(node)) {
    const dashes = itemIndicators(node.srcToken)
    node.items.forEach((item, index) => {
      const itemPath = path === '' ? String(index) : `${path}.${index}`
      // A block list item's line is its dash, even when the item itself starts on the next line.
      const offset = dashes[index] ?? (isScalar(item) || isCollection(item) || isAlias(item) ? item.range?.[0] : undefined)
      if (offset !== undefined) lines.set(itemPath, lineAt(offset))
      recordLines(item, itemPath, lines, lineAt)
    })
  }
}

/** Offsets of the `-` of each item of a block list (items without one are comments, not entries). */
function itemIndicators(token: unknown): number[] {
  const block = token as { type?: string; items?: { start: { type: string; offset: number }[] }[] } | undefined
  if (block?.type !== 'block-seq' || !block.items) return []
  return block.items.flatMap((item) => item.start.filter((part) => part.type === 'seq-item-ind').map((part) => part.offset))
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined
      found = keyText(pair.key)
      return visit.BREAK
    },
  })
  return found
}

function restOfLine(text: string, offset: number): string {
  return (text.slice(offset).split('\n')[0] ?? '').trim()
}
