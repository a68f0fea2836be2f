import { createContext, useCallback, useContext, useId, useState, type ComponentProps, type ReactNode } from 'react'
import { CopyButton } from '../CopyButton'
import { CodeBlockPreview } from './CodeBlockPreview'
import { MermaidDiagram } from './MermaidBlock'

/** The Markdown source being rendered, so a code block can tell whether its fence is closed yet. */
export const MarkdownSource = createContext('')

interface HastNode {
  type: string
  value?: string
  children?: HastNode[]
  position?: { end?: { offset?: number } }
}

function textOf(node: HastNode | undefined): string {
  if (!node) return ''
  if (node.type === 'text') return node.value ?? ''
  return (node.children ?? []).map(textOf).join('')
}

/** A fenced block is complete once its closing fence has arrived (a streaming reply may not have it yet). */
function fenceClosed(source: string, node: HastNode | undefined): boolean {
  const end = node?.position?.end?.offset
  if (end === undefined) return true
  const lastLine = source.slice(0, end).split('\n').at(-1) ?? ''
  return /^\s*(`{3,}|~{3,})\s*$/.test(lastLine) && source.slice(0, end).includes('\n')
}

type View = 'code' | 'preview'
const tabsFor: Record<string, { first: string; second: string; start: View }> = {
  mermaid: { first: 'Diagram', second: 'Source', start: 'preview' },
  html: { first: 'Code', second: 'Preview', start: 'code' },
  svg: { first: 'Code', second: 'Preview', start: 'code' },
}

function Tabs({ lang, view, onView }: { lang: string; view: View; onView(view: View): void }) {
  const tabs = tabsFor[lang]
  if (!tabs) return null
  const labels: { view: View; label: string }[] =
    lang === 'mermaid' ? [{ view: 'preview', label: tabs.first }, { view: 'code', label: tabs.second }] : [{ view: 'code', label: tabs.first }, { view: 'preview', label: tabs.second }]
  return (
    <span role="tablist" aria-label={`${lang} block view`} className="code-tabs">
      {labels.map((tab) => (
        <button key={tab.view} type="button" role="tab" aria-selected={view === tab.view} className="code-tab" onClick={() => onView(tab.view)}>
          {tab.label}
        </button>
      ))}
    </span>
  )
}

function Pre({ lang, rest, children }: { lang?: string; rest: ComponentProps<'pre'>; children: ReactNode }) {
  return (
    <pre data-lang={lang} {...rest}>
      {children}
    </pre>
  )
}

/**
 * A fenced code block: its language, a copy button, and for three languages a second view —
 * Mermaid as a diagram (the default, with its source a tab away), HTML and SVG as a sandboxed
 * preview (see CodeBlockPreview).
 */
export function CodeBlock({ children, node, ...rest }: ComponentProps<'pre'> & { node?: unknown }) {
  const source = useContext(MarkdownSource)
  const hast = node as HastNode | undefined
  const child = Array.isArray(children) ? children[0] : children
  const className = (child as { props?: { className?: string } } | undefined)?.props?.className ?? ''
  const lang = /language-([\w+-]+)/.exec(className)?.[1]
  const kind = lang?.toLowerCase() ?? ''
  const tabs = tabsFor[kind]
  const [view, setView] = useState<View>(tabs?.start ?? 'code')
  const [failure, setFailure] = useState<string | undefined>()
  const onFailure = useCallback((message: string | undefined) => setFailure(message), [])
  const errorId = useId()
  const code = textOf(hast).replace(/\n$/, '')
  const complete = fenceClosed(source, hast)
  const showPreview = tabs !== undefined && view === 'preview'
  return (
    <div className="code-block" data-kind={tabs ? kind : undefined}>
      <div className="code-head">
        <span className="muted">{lang ?? 'code'}</span>
        <span className="code-head-actions">
          <Tabs lang={kind} view={view} onView={setView} />
          <CopyButton label="Copy code" text={() => code} />
        </span>
      </div>
      {showPreview && kind === 'mermaid' && (
        <>
          <MermaidDiagram source={code} complete={complete} onFailure={onFailure} />
          {failure && (
            <>
              <p className="diagram-error" id={errorId}>Mermaid could not draw this diagram: {failure}</p>
              <Pre lang={lang} rest={{ ...rest, 'aria-describedby': errorId }}>{children}</Pre>
            </>
          )}
        </>
      )}
      {showPreview && (kind === 'html' || kind === 'svg') && (complete ? <CodeBlockPreview lang={kind} code={code} /> : <p className="diagram-note muted">The preview shows when the block is complete.</p>)}
      {!showPreview && <Pre lang={lang} rest={rest}>{children}</Pre>}
    </div>
  )
}
