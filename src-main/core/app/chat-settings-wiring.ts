import type { CapabilityWiring } from './capability'
import type { ChatWiring } from './chat-wiring'

/**
 * Per-chat settings, provider parameter support, model checks and composer drafts (the service
 * lives with the chat in core/chat). Saved settings tell every client the session changed: its
 * context meter may measure against another window now.
 */
export function wireChatSettings(chat: Pick<ChatWiring, 'settings'>, changed: (ids: string[]) => void = () => {}): CapabilityWiring<'chatSettings'> {
  const { settings } = chat
  return {
    handlers: {
      'chat.settings.get': ({ sessionId }) => settings.get(sessionId),
      'chat.settings.set': async ({ sessionId, settings: next }) => {
        const saved = await settings.set(sessionId, next)
        changed([sessionId])
        return saved
      },
      'chat.parameters': ({ providerId, model }) => settings.parameters(providerId, model),
      'chat.model.check': ({ target }, { signal }) => settings.checkModel(target, signal),
      'chat.drafts.get': ({ key }) => settings.draft(key),
      'chat.drafts.set': ({ key, body }) => settings.saveDraft(key, body),
      'chat.drafts.clear': ({ key }) => settings.saveDraft(key, ''),
    },
    streamHandlers: {},
  }
}
