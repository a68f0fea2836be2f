import { dayEnd, dayStart } from '../../lib/format'
import type { SortKey } from './session-rows'
import type { SessionListQuery } from '../../lib/session-pages'
import type { SearchFilters } from '../../lib/session-search'

/** What the filter bar holds, as the user typed it; turned into contract queries below. */
export interface FilterState {
  tag: string
  provider: string
  model: string
  /** YYYY-MM-DD from a date input, or '' */
  from: string
  to: string
  hasAttachments: boolean
  showArchived: boolean
  trash: boolean
  sort: SortKey
  order: 'asc' | 'desc'
}

export const defaultFilters: FilterState = {
  tag: '',
  provider: '',
  model: '',
  from: '',
  to: '',
  hasAttachments: false,
  showArchived: false,
  trash: false,
  sort: 'updated',
  order: 'desc',
}

/** Filters that narrow the list (sort and order only reorder it). */
export function activeFilterCount(filters: FilterState): number {
  const { tag, provider, model, from, to, hasAttachments, showArchived, trash } = filters
  return [tag, provider.trim(), model.trim(), from, to, hasAttachments, showArchived, trash].filter(Boolean).length
}

/** Shared by the list and search: only the fields that are set, with whole days for the range. */
function common(filters: FilterState): SearchFilters {
  const query: SearchFilters = {}
  const provider = filters.provider.trim()
  const model = filters.model.trim()
  const from = dayStart(filters.from)
  const to = dayEnd(filters.to)
  if (filters.tag) query.tag = filters.tag
  if (provider) query.provider = provider
  if (model) query.model = model
  if (from !== undefined) query.from = from
  if (to !== undefined) query.to = to
  return query
}

export function toListQuery(filters: FilterState): SessionListQuery {
  const query: SessionListQuery = { ...common(filters), sort: filters.sort, order: filters.order }
  if (filters.hasAttachments) query.hasAttachments = true
  // The trash holds archived and unarchived sessions alike; elsewhere archived ones show on request.
  if (filters.trash) query.onlyDeleted = true
  else if (!filters.showArchived) query.archived = false
  return query
}

export const toSearchFilters = (filters: FilterState): SearchFilters => common(filters)
