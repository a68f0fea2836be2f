import { splitCodeFences } from '../lib/message-text'

/** Plain text with code fences as code: what the user wrote, and previews elsewhere. */
export function MessageBody({ text }: { text: string }) {
  return (
    <div className="message-body">
      {splitCodeFences(text).map((block, i) =>
        block.kind === 'code' ? (
          <pre key={i} data-lang={block.lang || undefined}>
            <code>{block.code}</code>
          </pre>
        ) : (
          <p key={i}>{block.text}</p>
        ),
      )}
    </div>
  )
}
