import { Fragment } from 'react'

/**
 * Plain text where `backticked` spans show as code, as messages and hints write commands
 * (e.g. "Run `ollama serve`"). Text only: nothing in it is read as HTML or Markdown.
 */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split(/`([^`\n]+)`/)
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}
    </>
  )
}
