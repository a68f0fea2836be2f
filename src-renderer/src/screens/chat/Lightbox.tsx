import { useEffect, useRef } from 'react'

/** A picture at full size in a modal dialog; Esc, the close button or a click outside closes it. */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const node = dialog.current
    if (node && !node.open) node.showModal()
    return () => node?.close()
  }, [])
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={`Picture: ${alt}`}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
      onClick={(event) => event.target === dialog.current && onClose()}
    >
      <img src={src} alt={alt} />
      <button type="button" className="button secondary lightbox-close" onClick={onClose} autoFocus>Close</button>
    </dialog>
  )
}
