import { memo, useRef, useState, type ComponentProps } from 'react'
import ReactMarkdown from 'react-markdown'
import rehypeHighlight from 'rehype-highlight'
import remarkGfm from 'remark-gfm'

/** Copies text, saying so for a moment; clipboard failures (no permission) say that instead. */
export function CopyButton({ text, label = 'Copy', className = 'link-button' }: { text: () => string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = (): void => {
    void navigator.clipboard
      ?.writeText(text())
      .then(() => setState('copied'), () => setState('failed'))
      .finally(() => setTimeout(() => setState('idle'), 1500))
  }
  return (
    <button type="button" className={className} onClick={copy} aria-label={label} aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  )
}

function CodeBlock({ children, node: _node, ...rest }: ComponentProps<'pre'> & { node?: unknown }) {
  const ref = useRef<HTMLPreElement>(null)
  const child = Array.isArray(children) ? children[0] : children
  const className = (child as { props?: { className?: string } } | undefined)?.props?.className ?? ''
  const lang = /language-([\w+-]+)/.exec(className)?.[1]
  return (
    <div className="code-block">
      <div className="code-head">
        <span className="muted">{lang ?? 'code'}</span>
        <CopyButton label="Copy code" text={() => ref.current?.textContent?.replace(/\n$/, '') ?? ''} />
      </div>
      <pre ref={ref} data-lang={lang} {...rest}>
        {children}
      </pre>
    </div>
  )
}

function Link({ node: _node, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noreferrer noopener" />
}

const remarkPlugins = [remarkGfm]
const rehypePlugins = [rehypeHighlight]
const components = { pre: CodeBlock, a: Link }

/**
 * A reply as Markdown: GFM tables and task lists, highlighted code with a copy button. Raw HTML in
 * the text is never rendered (no rehype-raw): a model's output cannot inject markup or script.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="message-body markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  )
})
