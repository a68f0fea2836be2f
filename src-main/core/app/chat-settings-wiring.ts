import type { CapabilityWiring } from './capability'
import type { ChatWiring } from './chat-wiring'

/** Per-chat settings, provider parameter support, model checks and composer drafts (the service lives with the chat in core/chat). */
export function wireChatSettings(chat: Pick<ChatWiring, 'settings'>): CapabilityWiring<'chatSettings'> {
  const { settings } = chat
  return {
    handlers: {
      'chat.settings.get': ({ sessionId }) => settings.get(sessionId),
      'chat.settings.set': ({ sessionId, settings: next }) => settings.set(sessionId, next),
      'chat.parameters': ({ providerId, model }) => settings.parameters(providerId, model),
      'chat.model.check': ({ target }, { signal }) => settings.checkModel(target, signal),
      'chat.drafts.get': ({ key }) => settings.draft(key),
      'chat.drafts.set': ({ key, body }) => settings.saveDraft(key, body),
      'chat.drafts.clear': ({ key }) => settings.saveDraft(key, ''),
    },
    streamHandlers: {},
  }
}
