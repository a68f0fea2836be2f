import { useId } from 'react'
import { ApprovalGate } from './ApprovalDialog'
import { AttachmentChips } from './AttachmentChips'
import { DropOverlay } from './DropOverlay'
import { CompareModels, CompareToggle } from './ComparePicker'
import { useCompare } from './compare-store'
import { ComposerSend, ComposerTools, PasteOffer, PictureThumbs } from './ComposerParts'
import { DictationBar } from './Dictation'
import { McpPromptForm } from './McpPromptForm'
import { ResourceChips } from './McpResourcePicker'
import { useReplies } from './reply-store'
import { SlashSuggestions } from './SlashSuggestions'
import { useComposer, type ComposerProps } from './use-composer'
import { sendKeyHint } from './use-chat-target'

/**
 * What to write, which model to ask, what to attach — in one row: tools, the text box (growing with
 * its text up to 40 % of the window), the model and Send. Enter sends, Shift+Enter breaks the line.
 */
export function Composer(props: ComposerProps) {
  const noteId = useId()
  const slashId = useId()
  const composer = useComposer(props)
  const { words, pictures, attachments, noProviders, longPaste } = composer
  const { asking, slash } = words
  return (
    <form className="composer chat-composer" aria-label="Reply" onSubmit={composer.onSubmit}>
      <DropOverlay onFiles={composer.attachFiles} disabled={noProviders} />
      {asking && <McpPromptForm prompt={asking.prompt} onFilled={words.endAsking} onCancel={() => words.endAsking(asking.before)} />}
      {longPaste && <PasteOffer chars={longPaste.chars} onAttach={longPaste.attach} onPaste={longPaste.paste} onCancel={longPaste.cancel} />}
      <div className="composer-box">
        <SlashSuggestions slash={slash} listId={slashId} onPick={words.pickSlash} />
        <PictureThumbs images={pictures.images} onRemove={pictures.remove} />
        <AttachmentChips chips={composer.documents.chips} onRemove={composer.documents.remove} warning={composer.contextWarning} />
        <ResourceChips attachments={attachments.attached} onRemove={attachments.remove} />
        <CompareModels models={props.data.models} providers={props.data.providers} />
        <div className="composer-row">
          <ComposerTools
            resources={composer.resources}
            onResource={(resource) => void attachments.attach(resource)}
            onFiles={composer.attachFiles}
            onDictated={words.dictate}
            noProviders={noProviders}
            vision={composer.vision}
          />
          <textarea
            ref={words.box}
            aria-label="Message"
            aria-controls={slash.open ? slashId : undefined}
            aria-activedescendant={slash.open ? `${slashId}-${slash.active}` : undefined}
            aria-describedby={noteId}
            title={sendKeyHint(composer.sendKey)}
            placeholder={noProviders ? 'Add a provider to start chatting' : 'Write a message…'}
            rows={1}
            value={words.text}
            disabled={noProviders}
            onChange={(event) => words.setText(event.target.value)}
            onKeyDown={composer.onKeyDown}
            onPaste={composer.onPaste}
          />
          <ComposerSend
            data={props.data}
            target={composer.target}
            onTarget={composer.choose}
            noProviders={noProviders}
            streaming={composer.streaming}
            canSend={composer.canSend}
            onStop={() => {
              useReplies.getState().stop(props.replyKey)
              useCompare.getState().stop(props.replyKey)
            }}
          >
            <CompareToggle disabled={noProviders} />
          </ComposerSend>
        </div>
      </div>
      <DictationBar />
      <p id={noteId} className="hint composer-note" role="status">{composer.status}</p>
      <ApprovalGate replyKey={props.replyKey} />
    </form>
  )
}
