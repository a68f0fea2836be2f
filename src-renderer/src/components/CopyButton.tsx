import { useState } from 'react'

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
