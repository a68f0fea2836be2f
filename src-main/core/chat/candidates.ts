import type { Attempt, ChatTarget, ModelInfo, Routing } from '../../../src-shared/contract'
import { AppError, toAppError } from '../errors'
import type { ChatRequest, ModelCatalog, ProviderRegistry } from '../providers'
import { cheapestCapable, requestNeeds, unmetNeed, type Candidate } from '../resilience'

export class NoProviderError extends AppError {
  constructor(attempts: Attempt[] = []) {
    super('E_NO_PROVIDER', attempts.length ? 'No provider could take this request.' : 'No model is set up to answer yet.', {
      hint: 'Add a provider (or install Ollama and pull a model) in Providers & Health, or pick a model in the chat.',
    })
    this.attempts = attempts
  }
  readonly attempts: Attempt[]
}

export interface CandidatePlan {
  candidates: Candidate[]
  /** Providers left out before any request (no key, disabled, lacking a capability). */
  skipped: Attempt[]
}

interface PlanDeps {
  registry: ProviderRegistry
  catalog: ModelCatalog
  routing: Routing
}

/**
 * Who is asked, in order: the model the user picked (or, under the cheapest policy, the cheapest
 * models that can do the job), then the fallback chain, then the local Ollama as a last resort
 * when it answers and has a suitable model.
 */
export async function planCandidates(target: ChatTarget, request: Omit<ChatRequest, 'model'>, deps: PlanDeps, signal?: AbortSignal): Promise<CandidatePlan> {
  const { registry, routing } = deps
  const needs = requestNeeds(request)
  const wanted: { providerId: string; model: string; explicit: boolean }[] = []
  if ('providerId' in target) {
    registry.config(target.providerId) // a provider the user named must exist: say so rather than answer from another
    wanted.push({ ...target, explicit: true })
  }
  if ('auto' in target && routing.policy === 'cheapest') {
    const { models } = await deps.catalog.list({ signal })
    for (const m of cheapestCapable(models, needs).slice(0, 5)) wanted.push({ providerId: m.providerId, model: m.id, explicit: false })
  }
  for (const entry of routing.chain) if (entry.enabled) wanted.push({ providerId: entry.providerId, model: entry.model, explicit: false })
  if ('auto' in target && wanted.length === 0) {
    // No chain yet: Auto means the first enabled provider's first model that fits.
    const { models } = await deps.catalog.list({ signal })
    const first = models.find((m) => !unmetNeed(m, needs))
    if (first) wanted.push({ providerId: first.providerId, model: first.id, explicit: false })
  }

  const plan: CandidatePlan = { candidates: [], skipped: [] }
  const seen = new Set<string>()
  for (const want of wanted) {
    const key = `${want.providerId}\u0000${want.model}`
    if (seen.has(key)) continue
    seen.add(key)
    const problem = unusable(want, needs, deps)
    if (problem) {
      plan.skipped.push({ providerId: want.providerId, model: want.model, outcome: 'skipped', reason: problem.reason, ...(problem.code ? { code: problem.code } : {}) })
      continue
    }
    const config = registry.config(want.providerId)
    plan.candidates.push({ providerId: config.id, providerName: config.name, provider: registry.provider(config.id), model: want.model, local: config.kind === 'ollama' || config.kind === 'gguf' })
  }
  if (routing.localLastResort && !plan.candidates.some((c) => c.local)) {
    const local = await localLastResort(deps, needs, signal)
    if (local) plan.candidates.push(local)
  }
  return plan
}

function unusable(want: { providerId: string; model: string; explicit: boolean }, needs: ReturnType<typeof requestNeeds>, deps: PlanDeps): { reason: string; code?: string } | null {
  let config
  try {
    config = deps.registry.config(want.providerId)
  } catch {
    return { reason: 'this provider was removed' }
  }
  if (!config.enabled) return { reason: 'provider disabled' }
  try {
    deps.registry.provider(config.id)
  } catch (error) {
    const appError = toAppError(error)
    return { reason: appError.message, code: appError.code }
  }
  // The user's own pick is always tried; fallbacks must be able to do what the request needs.
  if (!want.explicit) {
    const info = deps.catalog.cached(config.id, want.model)
    if (info && needs.vision && !info.capabilities.vision) return { reason: 'cannot see pictures' }
    if (info && needs.tools && !info.capabilities.tools) return { reason: 'cannot call tools' }
    if (info?.capabilities.contextWindow && info.capabilities.contextWindow < needs.minContext) return { reason: 'context window too small' }
  }
  return null
}

async function localLastResort(deps: PlanDeps, needs: ReturnType<typeof requestNeeds>, signal?: AbortSignal): Promise<Candidate | null> {
  const local = deps.registry.enabled().find((c) => c.kind === 'ollama')
  if (!local) return null
  // Listing doubles as the reachability check: an Ollama that does not answer is no last resort.
  const { models, errors } = await deps.catalog.list({ providerId: local.id, signal })
  if (errors.length > 0) return null
  const fits = (m: ModelInfo): boolean => (!needs.vision || m.capabilities.vision) && (!needs.tools || m.capabilities.tools)
  const model = models.find(fits)
  return model ? { providerId: local.id, providerName: local.name, provider: deps.registry.provider(local.id), model: model.id, local: true } : null
}
