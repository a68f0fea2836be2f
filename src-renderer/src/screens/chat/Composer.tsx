import { useId } from 'react'
import { ApprovalGate } from './ApprovalDialog'
import { ComposerBar, PictureThumbs } from './ComposerParts'
import { DictationBar } from './Dictation'
import { McpPromptForm } from './McpPromptForm'
import { ResourceChips } from './McpResourcePicker'
import { useReplies } from './reply-store'
import { SlashSuggestions } from './SlashSuggestions'
import { useComposer, type ComposerProps } from './use-composer'

/** What to write, which model to ask, pictures to show it; Enter sends, Shift+Enter breaks the line. */
export function Composer(props: ComposerProps) {
  const noteId = useId()
  const slashId = useId()
  const composer = useComposer(props)
  const { words, pictures, attachments, noProviders } = composer
  const { asking, slash } = words
  return (
    <form className="composer chat-composer" aria-label="Reply" onSubmit={composer.onSubmit} onDrop={composer.onDrop} onDragOver={(event) => event.preventDefault()}>
      <PictureThumbs images={pictures.images} onRemove={pictures.remove} />
      <ResourceChips attachments={attachments.attached} onRemove={attachments.remove} />
      {asking && <McpPromptForm prompt={asking.prompt} onFilled={words.endAsking} onCancel={() => words.endAsking(asking.before)} />}
      <SlashSuggestions slash={slash} listId={slashId} onPick={words.pickSlash} />
      <textarea
        ref={words.box}
        aria-label="Message"
        aria-controls={slash.open ? slashId : undefined}
        aria-activedescendant={slash.open ? `${slashId}-${slash.active}` : undefined}
        aria-describedby={noteId}
        placeholder={noProviders ? 'Add a provider to start chatting' : 'Write a message… (Enter sends, Shift+Enter for a new line)'}
        rows={3}
        value={words.text}
        disabled={noProviders}
        onChange={(event) => words.setText(event.target.value)}
        onKeyDown={composer.onKeyDown}
        onPaste={composer.onPaste}
      />
      <DictationBar />
      <ComposerBar
        data={props.data}
        target={composer.target}
        onTarget={composer.choose}
        resources={composer.resources}
        onResource={(resource) => void attachments.attach(resource)}
        onImages={(files) => void pictures.attach(files)}
        onDictated={words.dictate}
        noProviders={noProviders}
        vision={composer.vision}
        streaming={composer.streaming}
        canSend={composer.canSend}
        onStop={() => useReplies.getState().stop(props.replyKey)}
      />
      <p id={noteId} className="hint composer-note" role="status">{composer.status}</p>
      <ApprovalGate replyKey={props.replyKey} />
    </form>
  )
}
