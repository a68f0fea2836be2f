import { memo, useEffect, useState, type ComponentProps } from 'react'
import ReactMarkdown, { type Options } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CodeBlock, MarkdownSource } from './markdown/CodeBlock'
import { mayHaveMath, normalizeMathDelimiters } from './markdown/math'
import { PLAIN_TAIL_CHARS, splitStreamBlocks } from './markdown/stream-blocks'
import './markdown/markdown.css'

export { CopyButton } from './CopyButton'

type Plugins = NonNullable<Options['remarkPlugins']>
interface MathPlugins {
  remark: Plugins
  rehype: Plugins
}

let mathPlugins: MathPlugins | undefined
let mathLoading: Promise<MathPlugins> | undefined

/** KaTeX is its own chunk, fetched the first time a reply may hold math (see markdown/math-plugins). */
function loadMath(): Promise<MathPlugins> {
  mathLoading ??= import('./markdown/math-plugins').then((module) => (mathPlugins = { remark: module.remarkMathPlugins, rehype: module.rehypeMathPlugins }))
  return mathLoading
}

function useMath(needed: boolean): MathPlugins | undefined {
  const [plugins, setPlugins] = useState(mathPlugins)
  useEffect(() => {
    if (needed && !plugins) void loadMath().then(setPlugins)
  }, [needed, plugins])
  return needed ? plugins : undefined
}

let highlightPlugins: Plugins | undefined
let highlightLoading: Promise<Plugins> | undefined

/** highlight.js is its own chunk too, fetched the first time a reply has a fenced code block (the block shows plain until then). */
function loadHighlight(): Promise<Plugins> {
  highlightLoading ??= import('rehype-highlight').then((module) => (highlightPlugins = [module.default]))
  return highlightLoading
}

const mayHaveCode = (text: string): boolean => text.includes('```') || text.includes('~~~')

function useHighlight(needed: boolean): Plugins | undefined {
  const [plugins, setPlugins] = useState(highlightPlugins)
  useEffect(() => {
    if (needed && !plugins) void loadHighlight().then(setPlugins)
  }, [needed, plugins])
  return needed ? plugins : undefined
}

/** A link opens outside the app; one whose target was unsafe (`javascript:`, `data:`, emptied by react-markdown) is plain text. */
function Link({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  if (!props.href) return <span className="unsafe-link">{props.children}</span>
  return <a {...props} target="_blank" rel="noreferrer noopener" />
}

/**
 * An image in a reply is never fetched (a tracking pixel, the app's own API): its alt text and
 * address show instead. (react-markdown's URL filter already empties data: and javascript: ones.)
 */
function Image({ src, alt }: ComponentProps<'img'> & { node?: unknown }) {
  return (
    <span className="blocked-image" title="Images in replies are not loaded">
      [image{alt ? `: ${alt}` : ''}]{typeof src === 'string' && src ? ` ${src}` : ''}
    </span>
  )
}

const remarkPlugins: Plugins = [remarkGfm]
const components = { pre: CodeBlock, a: Link, img: Image }
// One entry per combination: each loaded plugin set is a single object, so the lists stay stable across renders.
const combined = new Map<string, { remark: Plugins; rehype: Plugins }>()

function pluginsFor(math: MathPlugins | undefined, highlight: Plugins | undefined): { remark: Plugins; rehype: Plugins } {
  const key = `${math ? 'm' : ''}${highlight ? 'h' : ''}`
  let both = combined.get(key)
  if (!both) combined.set(key, (both = { remark: [...remarkPlugins, ...(math?.remark ?? [])], rehype: [...(math?.rehype ?? []), ...(highlight ?? [])] }))
  return both
}

/** The rendered Markdown of `text`, without a wrapper: a whole reply, or one block of a streaming one. */
const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  const math = useMath(mayHaveMath(text))
  const source = math ? normalizeMathDelimiters(text) : text
  const plugins = pluginsFor(math, useHighlight(mayHaveCode(text)))
  return (
    <MarkdownSource.Provider value={source}>
      <ReactMarkdown remarkPlugins={plugins.remark} rehypePlugins={plugins.rehype} components={components} skipHtml>
        {source}
      </ReactMarkdown>
    </MarkdownSource.Provider>
  )
})

/**
 * A reply as Markdown: GFM tables and task lists, highlighted code with a copy button, KaTeX math
 * (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), Mermaid diagrams and HTML/SVG previews (see markdown/CodeBlock).
 * Raw HTML in the text is never rendered (no rehype-raw): a model's output cannot inject markup or
 * script; react-markdown's URL filter drops `javascript:` and other unsafe link targets.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="message-body markdown">
      <MarkdownContent text={text} />
    </div>
  )
})

/**
 * A reply that is still being written: finished blocks render once each, only the growing last
 * block is parsed again (as plain text once it is very long), so an update costs the same at the
 * 20,000th token as at the 20th. When the reply ends, <Markdown> renders it whole.
 */
export const StreamingMarkdown = memo(function StreamingMarkdown({ text }: { text: string }) {
  const { done, tail } = splitStreamBlocks(text)
  return (
    <div className="message-body markdown">
      {done.map((block, index) => (
        // Blocks only ever get appended, so a block's place is its identity.
        <MarkdownContent key={index} text={block} />
      ))}
      {tail.length > PLAIN_TAIL_CHARS ? <p className="streaming-plain">{tail}</p> : tail.trim() && <MarkdownContent text={tail} />}
    </div>
  )
})
