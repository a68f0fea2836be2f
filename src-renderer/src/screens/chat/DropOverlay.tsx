import { useEffect, useRef, useState } from 'react'

const hasFiles = (event: DragEvent): boolean => [...(event.dataTransfer?.types ?? [])].includes('Files')

/**
 * Drag files anywhere over the window: an overlay says where they go, and a drop anywhere attaches
 * them. The browser never gets a drop to handle, so a file dropped on the sidebar or a heading
 * cannot navigate the app away.
 */
export function DropOverlay({ onFiles, disabled }: { onFiles(files: File[]): void; disabled?: boolean }) {
  const [over, setOver] = useState(false)
  const depth = useRef(0)
  const take = useRef(onFiles)
  take.current = onFiles
  useEffect(() => {
    const enter = (event: DragEvent): void => {
      if (!hasFiles(event)) return
      event.preventDefault()
      depth.current++
      setOver(true)
    }
    const overWindow = (event: DragEvent): void => {
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = disabled || !hasFiles(event) ? 'none' : 'copy'
    }
    const leave = (): void => {
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setOver(false)
    }
    const drop = (event: DragEvent): void => {
      event.preventDefault()
      depth.current = 0
      setOver(false)
      const files = [...(event.dataTransfer?.files ?? [])]
      if (!disabled && files.length > 0) take.current(files)
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragover', overWindow)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragover', overWindow)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
    }
  }, [disabled])
  if (!over || disabled) return null
  return (
    <div className="drop-overlay" role="status" aria-live="polite">
      <div className="drop-overlay-box">
        <strong>Drop files to attach</strong>
        <span className="muted">Text, code, Markdown, CSV, JSON, HTML, PDF, DOCX and pictures · up to 50 MB each</span>
      </div>
    </div>
  )
}
