import { useCallback, useEffect, useState } from 'react'
import type { BudgetStatus, ErrorShape, Routing } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { issuesByPath } from './use-providers-data'

/** Budget caps as typed: empty means no cap. */
export interface CapsInput {
  daily: string
  monthly: string
}

const capText = (usd: number | null): string => (usd === null ? '' : String(usd))

/** Caps as numbers, or field errors ("budget.dailyUsd" → why). */
export function parseCaps(caps: CapsInput): { dailyUsd: number | null; monthlyUsd: number | null } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const parse = (text: string, path: string): number | null => {
    const trimmed = text.trim().replace(/^\$/, '')
    if (!trimmed) return null
    const value = Number(trimmed)
    if (!Number.isFinite(value)) errors[path] = 'Enter an amount in dollars, like 5 or 0.50 (or leave it empty for no cap).'
    else if (value < 0) errors[path] = 'A cap cannot be negative.'
    return value
  }
  const dailyUsd = parse(caps.daily, 'budget.dailyUsd')
  const monthlyUsd = parse(caps.monthly, 'budget.monthlyUsd')
  if (!errors['budget.dailyUsd'] && !errors['budget.monthlyUsd'] && dailyUsd !== null && monthlyUsd !== null && monthlyUsd < dailyUsd) {
    errors['budget.monthlyUsd'] = 'The monthly cap is below the daily cap.'
  }
  return Object.keys(errors).length > 0 ? { errors } : { dailyUsd, monthlyUsd }
}

export interface RoutingEditor {
  draft: Routing | undefined
  caps: CapsInput
  budget: BudgetStatus | undefined
  /** Field errors by path, from our own checks or the route's validation. */
  issues: Record<string, string>
  problem: ErrorShape | undefined
  saving: boolean
  saved: boolean
  dirty: boolean
  change(update: (routing: Routing) => Routing): void
  setCaps(caps: CapsInput): void
  save(): Promise<void>
}

/** The routing settings as a draft the user edits, saved in one go through routing.update. */
export function useRouting(): RoutingEditor {
  const api = useApi()
  const [stored, setStored] = useState<Routing | undefined>()
  const [draft, setDraft] = useState<Routing | undefined>()
  const [caps, setCapsState] = useState<CapsInput>({ daily: '', monthly: '' })
  const [budget, setBudget] = useState<BudgetStatus | undefined>()
  const [issues, setIssues] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)

  const adopt = useCallback((routing: Routing) => {
    setStored(routing)
    setDraft(routing)
    setCapsState({ daily: capText(routing.budget.dailyUsd), monthly: capText(routing.budget.monthlyUsd) })
  }, [])

  const loadBudget = useCallback(async () => {
    const result = await api.call('budget.status', {})
    if (result.ok) setBudget(result.value)
  }, [api])

  useEffect(() => {
    void api.call('routing.get', {}).then((result) => (result.ok ? adopt(result.value) : setProblem(result.error)))
    void loadBudget()
  }, [api, adopt, loadBudget])

  const change = useCallback((update: (routing: Routing) => Routing) => {
    setSaved(false)
    setDraft((current) => (current ? update(current) : current))
  }, [])
  const setCaps = useCallback((next: CapsInput) => {
    setSaved(false)
    setCapsState(next)
  }, [])

  const save = useCallback(async () => {
    if (!draft) return
    const parsed = parseCaps(caps)
    if ('errors' in parsed) return setIssues(parsed.errors)
    setSaving(true)
    const result = await api.call('routing.update', { ...draft, budget: { ...draft.budget, ...parsed } })
    setSaving(false)
    if (!result.ok) {
      setIssues(issuesByPath(result.error))
      setProblem(result.error)
      return
    }
    setIssues({})
    setProblem(undefined)
    adopt(result.value)
    setSaved(true)
    void loadBudget()
  }, [api, draft, caps, adopt, loadBudget])

  const dirty =
    draft !== undefined &&
    (JSON.stringify(draft) !== JSON.stringify(stored) || caps.daily !== capText(stored?.budget.dailyUsd ?? null) || caps.monthly !== capText(stored?.budget.monthlyUsd ?? null))
  return { draft, caps, budget, issues, problem, saving, saved, dirty, change, setCaps, save }
}
