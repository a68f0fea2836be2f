import { ChatSettingsSchema, type ChatDefaults, type ChatParams, type ChatSendInput, type ChatSettings, type ChatTarget } from '../../../src-shared/contract'
import { PARAMETER_TABLE, dialectOf, parameterNotices, type ModelCatalog, type ProviderRegistry } from '../providers'
import type { SessionStore } from '../sessions'

/** A chat target naming one provider and model (not Auto). */
export type FixedTarget = { providerId: string; model: string }
export type ModelAlternative = FixedTarget & { reason: 'family' | 'provider' | 'default' }

export interface ChatSettingsDeps {
  sessions: () => Promise<SessionStore>
  /** Settings → Chat. */
  defaults: () => ChatDefaults
  registry: ProviderRegistry
  catalog: ModelCatalog
}

/** What a turn runs with: the chat's stored settings, overridden by what this send says. */
export interface ResolvedTurn {
  system: string | undefined
  params: ChatParams
  /** Said to the user once the turn starts (e.g. the stored settings did not parse). */
  notices: string[]
  /** Written to the session when the turn starts (null: nothing changed). */
  save: ChatSettings | null
  /** The agent the chat was started with: its tool set narrows the tools offered. */
  agent?: ChatSettings['agent']
}

const INVALID_NOTICE = 'This chat had settings this version cannot read (written by another version, or edited by hand), so the defaults are in use. Your messages are untouched.'

/**
 * Per-chat settings kept with the session: read (an unreadable value gives the defaults and a
 * notice, losing nothing), written, merged into each turn; provider parameter support for the
 * panel; whether a chat's model is still offered; and composer drafts.
 */
export class ChatSettingsService {
  constructor(private readonly deps: ChatSettingsDeps) {}

  /** The settings a new chat starts with (Settings → Chat). */
  defaultsForNew(): ChatSettings {
    const defaults = this.deps.defaults()
    return { ...(defaults.defaultTarget ? { target: defaults.defaultTarget } : {}), ...(defaults.defaultSystem ? { system: defaults.defaultSystem } : {}), params: {} }
  }

  async get(sessionId: string): Promise<{ settings: ChatSettings; notice: string | null }> {
    const store = await this.deps.sessions()
    const raw = await store.readChatSettings(sessionId)
    if (raw === null) return { settings: { params: {} }, notice: null }
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return { settings: { params: {} }, notice: INVALID_NOTICE }
    }
    const result = ChatSettingsSchema.safeParse(parsed)
    return result.success ? { settings: result.data, notice: null } : { settings: { params: {} }, notice: INVALID_NOTICE }
  }

  async set(sessionId: string, settings: ChatSettings): Promise<{ settings: ChatSettings }> {
    const clean = ChatSettingsSchema.parse(settings)
    const store = await this.deps.sessions()
    await store.writeChatSettings(sessionId, JSON.stringify(clean))
    return { settings: clean }
  }

  /** The settings this send runs with; what the send sets explicitly wins and is stored. */
  async resolve(input: Pick<ChatSendInput, 'sessionId' | 'system' | 'params' | 'temperature' | 'target'>): Promise<ResolvedTurn> {
    const stored = input.sessionId ? await this.get(input.sessionId) : { settings: this.defaultsForNew(), notice: null }
    const overrides: ChatParams = { ...(input.params ?? {}), ...(input.temperature === undefined ? {} : { temperature: input.temperature }) }
    const params = { ...stored.settings.params, ...overrides }
    const system = input.system ?? stored.settings.system
    const target = 'providerId' in input.target ? { providerId: input.target.providerId, model: input.target.model } : stored.settings.target
    const agent = stored.settings.agent
    const next: ChatSettings = { ...(target ? { target } : {}), ...(system !== undefined ? { system } : {}), params, ...(agent ? { agent } : {}) }
    const changed = !input.sessionId || stored.notice !== null || JSON.stringify(next) !== JSON.stringify(stored.settings)
    return { system: system?.trim() ? system : undefined, params, notices: stored.notice ? [stored.notice] : [], save: changed ? next : null, ...(agent ? { agent } : {}) }
  }

  /**
   * The context length a chat loads `target` with: the turn's `params` (else the chat's stored
   * ones) when they set one and the provider takes it (Ollama's `num_ctx`); otherwise null.
   */
  async contextLength(sessionId: string, target: FixedTarget, params?: ChatParams): Promise<number | null> {
    const length = params ? params.contextLength : (await this.get(sessionId)).settings.params.contextLength
    if (length === undefined) return null
    try {
      return this.parameters(target.providerId, target.model).params.contextLength.support === 'no' ? null : length
    } catch {
      // A provider that is gone sets no window.
      return null
    }
  }

  /** Notices for the parameters a provider does not take (or may ignore). */
  parameterNotices(providerId: string, model: string, params: ChatParams): string[] {
    try {
      const config = this.deps.registry.config(providerId)
      return parameterNotices(config.name, dialectOf(config, model), params)
    } catch {
      return []
    }
  }

  parameters(providerId: string, model = ''): { dialect: string; params: (typeof PARAMETER_TABLE)[keyof typeof PARAMETER_TABLE] } {
    const dialect = dialectOf(this.deps.registry.config(providerId), model)
    return { dialect, params: PARAMETER_TABLE[dialect] }
  }

  /**
   * Whether a chat's model is still offered. If not: the same provider's models of the same family
   * first (llama3.2:3b for llama3.2:1b), then that provider's others, then the default model.
   */
  async checkModel(target: FixedTarget, signal?: AbortSignal): Promise<{ available: boolean; alternatives: ModelAlternative[] }> {
    const { models } = await this.deps.catalog.list({ providerId: target.providerId, ...(signal ? { signal } : {}) }).catch(() => ({ models: [] }))
    const mine = models.filter((m) => m.providerId === target.providerId)
    if (mine.some((m) => m.id === target.model)) return { available: true, alternatives: [] }
    const family = familyOf(target.model)
    const same = mine.filter((m) => familyOf(m.id) === family)
    const others = mine.filter((m) => familyOf(m.id) !== family)
    const alternatives: ModelAlternative[] = [
      ...same.map((m) => ({ providerId: m.providerId, model: m.id, reason: 'family' as const })),
      ...others.map((m) => ({ providerId: m.providerId, model: m.id, reason: 'provider' as const })),
    ].slice(0, 8)
    const fallback = this.deps.defaults().defaultTarget
    if (fallback && !alternatives.some((a) => a.providerId === fallback.providerId && a.model === fallback.model) && !(fallback.providerId === target.providerId && fallback.model === target.model)) {
      alternatives.push({ ...fallback, reason: 'default' })
    }
    return { available: false, alternatives }
  }

  async draft(key: string): Promise<{ key: string; body: string; updatedAt: number } | null> {
    return (await this.deps.sessions()).readDraft(key)
  }

  async saveDraft(key: string, body: string): Promise<{ ok: true }> {
    await (await this.deps.sessions()).writeDraft(key, body)
    return { ok: true }
  }
}

/** A model's family: its name without tag, size or vendor prefix (`llama3.2:1b` → `llama3.2`, `gpt-4o-mini` → `gpt-4o`). */
export function familyOf(model: string): string {
  const base = model.toLowerCase().split('/').at(-1)!.split(':')[0]!
  return base.replace(/-(mini|nano|small|medium|large|latest|instruct|chat|\d+(\.\d+)?[bkm])$/g, '').replace(/-\d{4}-?\d{2}-?\d{2}$/, '')
}

export const isFixedTarget = (target: ChatTarget | undefined): target is FixedTarget => target !== undefined && 'providerId' in target
