import { useEffect, useState } from 'react'

/**
 * A ```mermaid block drawn as a diagram. Mermaid (large) loads on the first diagram only, runs with
 * `securityLevel: 'strict'` (its own sanitising, no click callbacks, no HTML labels), and its SVG is
 * shown as an `<img>` from a data: URL: an image document runs no script and loads nothing, whatever
 * the diagram text says. A block still streaming in is not drawn until its fence closes, so a
 * half-written diagram never flashes an error; a diagram that fails shows its source and the error.
 */

type Drawn = { svg: string; width?: number; height?: number } | { error: string }
type MermaidApi = (typeof import('mermaid'))['default']

let loading: Promise<MermaidApi> | undefined
let queue: Promise<unknown> = Promise.resolve()
let serial = 0

function loadMermaid(): Promise<MermaidApi> {
  loading ??= import('mermaid').then((module) => module.default)
  return loading
}

/** Mermaid keeps global state while it draws: one diagram at a time. */
function drawSerially(source: string, dark: boolean): Promise<Drawn> {
  const run = queue.then(async (): Promise<Drawn> => {
    const mermaid = await loadMermaid()
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: dark ? 'dark' : 'default',
      htmlLabels: false,
      flowchart: { htmlLabels: false },
      suppressErrorRendering: true,
      fontFamily: 'system-ui, sans-serif',
    })
    try {
      await mermaid.parse(source)
      const { svg } = await mermaid.render(`mermaid-${++serial}`, source)
      const box = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"/.exec(svg)
      return { svg, width: box ? Math.ceil(Number(box[1])) : undefined, height: box ? Math.ceil(Number(box[2])) : undefined }
    } catch (error) {
      return { error: (error instanceof Error ? error.message : String(error)).trim() || 'Unknown error' }
    }
  })
  queue = run.catch(() => undefined)
  return run
}

/** The app's resolved theme (`data-theme` on the root element), following changes. */
export function useDarkTheme(): boolean {
  const read = (): boolean => document.documentElement.dataset.theme === 'dark'
  const [dark, setDark] = useState(read)
  useEffect(() => {
    const observer = new MutationObserver(() => setDark(read()))
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
    return () => observer.disconnect()
  }, [])
  return dark
}

/** Draws `source` once the block is `complete`; `onError` lets the block switch to its source. */
export function MermaidDiagram({ source, complete, onFailure }: { source: string; complete: boolean; onFailure(message: string | undefined): void }) {
  const dark = useDarkTheme()
  const [drawn, setDrawn] = useState<Drawn | undefined>()
  useEffect(() => {
    if (!complete) return
    let current = true
    void drawSerially(source, dark).then((result) => {
      if (!current) return
      setDrawn(result)
      onFailure('error' in result ? result.error : undefined)
    })
    return () => {
      current = false
    }
  }, [source, complete, dark, onFailure])
  if (!complete) return <p className="diagram-note muted">The diagram is drawn when the block is complete.</p>
  if (!drawn || 'error' in drawn) return <p className="diagram-note muted" role="status">{drawn ? '' : 'Drawing the diagram…'}</p>
  return (
    <div className="mermaid-diagram">
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(drawn.svg)}`} width={drawn.width} height={drawn.height} alt="Mermaid diagram" />
    </div>
  )
}
