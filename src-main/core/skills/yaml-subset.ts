/**
 * A strict subset of YAML, enough for Claude Code's SKILL.md frontmatter: block maps and lists,
 * `[a, b]` lists, plain/quoted/block scalars, comments. No anchors, tags or inline maps; every
 * error names its line. Written here so the skills need no YAML package.
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

interface Line {
  no: number
  indent: number
  /** The line without its indentation. */
  text: string
  raw: string
}

export interface ParsedYaml {
  value: unknown
  /** Line of every key and list item, by dotted path (`hooks.SkillTrigger.0.hooks.0.command`). */
  lines: Map<string, number>
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_][A-Za-z0-9_.-]*)[ \t]*:(?:[ \t]+(.*))?$/

const isSignificant = (line: Line): boolean => line.text !== '' && !line.text.startsWith('#')
const isListItem = (text: string): boolean => text === '-' || text.startsWith('- ')

class YamlParser {
  private at = 0
  private readonly source: Line[]
  readonly lines = new Map<string, number>()

  constructor(source: Line[]) {
    this.source = source
  }

  parseDocument(): unknown {
    const first = this.peek()
    if (!first) return null
    if (first.indent !== 0) throw new YamlSubsetError(first.no, 'the first key must not be indented')
    const value = this.parseBlock(0, '')
    const left = this.peek()
    if (left) throw new YamlSubsetError(left.no, 'unexpected indentation')
    return value
  }

  private peek(): Line | undefined {
    while (this.at < this.source.length && !isSignificant(this.source[this.at] as Line)) this.at++
    return this.source[this.at]
  }

  private parseBlock(indent: number, path: string): unknown {
    const line = this.peek() as Line
    return isListItem(line.text) ? this.parseList(indent, path) : this.parseMap(indent, path)
  }

  private parseMap(indent: number, path: string): Record<string, unknown> {
    const map: Record<string, unknown> = {}
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) throw new YamlSubsetError(line.no, 'unexpected indentation')
      if (isListItem(line.text)) throw new YamlSubsetError(line.no, 'a list item where a "key: value" line was expected')
      const match = KEY.exec(line.text)
      if (!match) throw new YamlSubsetError(line.no, `expected "key: value", found "${line.text.slice(0, 60)}"`)
      const key = unquoteKey(match[1] as string)
      if (Object.hasOwn(map, key)) throw new YamlSubsetError(line.no, `the key "${key}" appears twice`)
      const keyPath = path === '' ? key : `${path}.${key}`
      this.lines.set(keyPath, line.no)
      this.at++
      map[key] = this.parseValue(match[2] ?? '', line, indent, keyPath)
    }
    return map
  }

  private parseList(indent: number, path: string): unknown[] {
    const list: unknown[] = []
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) throw new YamlSubsetError(line.no, 'unexpected indentation')
      if (!isListItem(line.text)) break
      const itemPath = `${path}.${list.length}`.replace(/^\./, '')
      this.lines.set(itemPath, line.no)
      const content = line.text.slice(1).trimStart()
      if (content === '' || content.startsWith('#')) {
        this.at++
        list.push(this.parseNested(indent, itemPath))
      } else if (KEY.test(content) || isListItem(content)) {
        // `- key: value` opens a map whose keys line up with `key`; re-read this line as its first.
        const offset = line.text.length - content.length
        this.source[this.at] = { ...line, indent: indent + offset, text: content }
        list.push(this.parseBlock(indent + offset, itemPath))
      } else {
        this.at++
        list.push(this.parseInline(content, line, indent))
      }
    }
    return list
  }

  /** The value after `key:` or `-`: nested block, block scalar, or inline scalar/flow list. */
  private parseValue(rest: string, line: Line, indent: number, path: string): unknown {
    if (rest === '' || rest.startsWith('#')) return this.parseNested(indent, path, true)
    if (/^[|>][+-]?(\s+#.*)?$/.test(rest)) return this.parseBlockScalar(rest, indent)
    return this.parseInline(rest, line, indent)
  }

  private parseNested(indent: number, path: string, sameIndentList = false): unknown {
    const next = this.peek()
    if (!next) return null
    if (next.indent > indent) return this.parseBlock(next.indent, path)
    // YAML lets a key's list start at the key's own indentation.
    if (sameIndentList && next.indent === indent && isListItem(next.text)) return this.parseList(indent, path)
    return null
  }

  private parseBlockScalar(header: string, indent: number): string {
    const folded = header.startsWith('>')
    const chomp = header[1] === '-' ? 'strip' : header[1] === '+' ? 'keep' : 'clip'
    const collected: string[] = []
    let contentIndent = -1
    while (this.at < this.source.length) {
      const line = this.source[this.at] as Line
      if (line.text === '') {
        collected.push('')
        this.at++
        continue
      }
      if (line.indent <= indent) break
      if (contentIndent === -1) contentIndent = line.indent
      if (line.indent < contentIndent) throw new YamlSubsetError(line.no, 'this line is indented less than the first line of its block')
      collected.push(line.raw.slice(contentIndent))
      this.at++
    }
    const text = folded ? fold(collected) : collected.join('\n')
    const body = text.replace(/\n+$/, '')
    if (chomp === 'strip') return body
    if (chomp === 'keep') return `${text}\n`
    return body === '' ? '' : `${body}\n`
  }

  private parseInline(text: string, line: Line, indent: number): unknown {
    if (text.startsWith('[')) return parseFlowList(text, line.no)
    if (text.startsWith('{')) {
      if (/^\{\s*\}(\s+#.*)?$/.test(text)) return {}
      throw new YamlSubsetError(line.no, 'inline maps ({ … }) are not supported; write the keys on their own lines')
    }
    if (text.startsWith('"') || text.startsWith("'")) return parseQuoted(text, line.no)
    // A plain scalar may continue on more-indented lines; they fold into one line.
    let value = stripComment(text)
    for (let next = this.peek(); next && next.indent > indent && !KEY.test(next.text) && !isListItem(next.text); next = this.peek()) {
      value += ` ${stripComment(next.text)}`
      this.at++
    }
    return plainScalar(value, line.no)
  }
}

/** YAML folding: lines join with a space; an empty line is a newline; more-indented lines keep theirs. */
function fold(lines: string[]): string {
  let out = lines[0] ?? ''
  for (let i = 1; i < lines.length; i++) {
    const current = lines[i] as string
    const previous = lines[i - 1] as string
    if (current === '') out += '\n'
    else if (previous === '') out += current
    else if (current.startsWith(' ') || previous.startsWith(' ')) out += `\n${current}`
    else out += ` ${current}`
  }
  return out
}

function unquoteKey(key: string): string {
  if (key.startsWith('"')) return JSON.parse(key) as string
  if (key.startsWith("'")) return key.slice(1, -1).replaceAll("''", "'")
  return key
}

function stripComment(text: string): string {
  const hash = text.search(/\s#/)
  return (hash === -1 ? text : text.slice(0, hash)).trim()
}

function plainScalar(text: string, lineNo: number): unknown {
  if (/^[&*!%@`|>]/.test(text)) throw new YamlSubsetError(lineNo, `"${text[0]}" at the start of a value is not supported; put the value in quotes`)
  if (/:(\s|$)/.test(text)) throw new YamlSubsetError(lineNo, `a value containing ": " must be in quotes: "${text.slice(0, 60)}"`)
  if (/^(true|True|TRUE)$/.test(text)) return true
  if (/^(false|False|FALSE)$/.test(text)) return false
  if (/^(null|Null|NULL|~)$/.test(text)) return null
  if (/^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10)
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return Number.parseFloat(text)
  return text
}

/** A quoted scalar; only a comment may follow the closing quote. */
function parseQuoted(text: string, lineNo: number): string {
  const [value, end] = readQuoted(text, 0, lineNo)
  const tail = text.slice(end).trim()
  if (tail !== '' && !tail.startsWith('#')) throw new YamlSubsetError(lineNo, `unexpected "${tail.slice(0, 30)}" after the closing quote`)
  return value
}

function readQuoted(text: string, start: number, lineNo: number): [string, number] {
  const quote = text[start]
  if (quote === "'") {
    let out = ''
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] !== "'") out += text[i]
      else if (text[i + 1] === "'") out += text[++i]
      else return [out, i + 1]
    }
  } else {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++
      else if (text[i] === '"') {
        try {
          return [JSON.parse(text.slice(start, i + 1)) as string, i + 1]
        } catch {
          throw new YamlSubsetError(lineNo, 'unknown escape sequence in a double-quoted string')
        }
      }
    }
  }
  throw new YamlSubsetError(lineNo, `missing the closing ${quote} quote (quoted values must end on the same line)`)
}

function parseFlowList(text: string, lineNo: number): unknown[] {
  const items: unknown[] = []
  let i = 1
  const skipSpace = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++
  }
  skipSpace()
  if (text[i] === ']') i++
  else {
    for (;;) {
      skipSpace()
      if (text[i] === '"' || text[i] === "'") {
        const [value, end] = readQuoted(text, i, lineNo)
        items.push(value)
        i = end
      } else {
        const start = i
        while (i < text.length && text[i] !== ',' && text[i] !== ']') {
          if (text[i] === '[' || text[i] === '{') throw new YamlSubsetError(lineNo, 'nested lists or maps inside [ … ] are not supported')
          i++
        }
        const raw = text.slice(start, i).trim()
        if (raw === '') throw new YamlSubsetError(lineNo, 'empty item in [ … ]')
        items.push(plainScalar(raw, lineNo))
      }
      skipSpace()
      if (text[i] === ',') i++
      else if (text[i] === ']') {
        i++
        break
      } else throw new YamlSubsetError(lineNo, 'missing "]" at the end of the list (inline lists must end on the same line)')
    }
  }
  const tail = text.slice(i).trim()
  if (tail !== '' && !tail.startsWith('#')) throw new YamlSubsetError(lineNo, `unexpected "${tail.slice(0, 30)}" after "]"`)
  return items
}

/** Parses the YAML subset; `firstLine` is the file line of the text's first line (for messages). */
export function parseYamlSubset(text: string, firstLine = 1): ParsedYaml {
  const source: Line[] = text.split(/\r?\n/).map((raw, index) => {
    const no = index + firstLine
    const indentText = /^[ \t]*/.exec(raw)?.[0] ?? ''
    if (indentText.includes('\t') && raw.trim() !== '') throw new YamlSubsetError(no, 'tabs are not allowed for indentation; use spaces')
    return { no, indent: indentText.length, text: raw.trim() === '' ? '' : raw.slice(indentText.length).trimEnd(), raw: raw.trimEnd() }
  })
  const parser = new YamlParser(source)
  return { value: parser.parseDocument(), lines: parser.lines }
}
