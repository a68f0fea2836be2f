import { useId, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { activeFilterCount, defaultFilters, type FilterState } from './filters'
import type { SortKey } from './session-rows'

export interface TagCount {
  tag: string
  count: number
}

/** Common provider ids, offered as suggestions; any other id can be typed. */
const PROVIDERS = ['ollama', 'openai', 'anthropic', 'gemini', 'huggingface', 'openai-compatible']
const SORTS: { value: SortKey; label: string }[] = [
  { value: 'updated', label: 'Last activity' },
  { value: 'created', label: 'Date created' },
  { value: 'title', label: 'Title' },
]

export interface SessionToolbarProps {
  searchText: string
  onSearchText(text: string): void
  searchRef: RefObject<HTMLInputElement | null>
  onSearchKeyDown(event: KeyboardEvent<HTMLInputElement>): void
  filters: FilterState
  onFilters(filters: FilterState): void
  tags: readonly TagCount[]
}

/** A small labelled control; the label points at it by id so its name is just the label. */
function CompactField({ label, children }: { label: string; children(id: string): ReactNode }) {
  const id = useId()
  return (
    <div className="compact-field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  )
}

/** Search, filters and sort; every control is labelled and reachable with Tab. */
export function SessionToolbar({ searchText, onSearchText, searchRef, onSearchKeyDown, filters, onFilters, tags }: SessionToolbarProps) {
  const set = <K extends keyof FilterState>(key: K, value: FilterState[K]): void => onFilters({ ...filters, [key]: value })
  const active = activeFilterCount(filters)
  const searching = searchText.trim() !== ''
  return (
    <section className="card session-toolbar" aria-label="Search and filters">
      <div className="toolbar-row">
        <label className="search-box">
          <span className="visually-hidden">Search sessions</span>
          <input
            ref={searchRef}
            type="search"
            placeholder="Search titles and messages…"
            value={searchText}
            onChange={(event) => onSearchText(event.target.value)}
            onKeyDown={onSearchKeyDown}
            spellCheck={false}
          />
          {!searchText && <kbd aria-hidden="true">/</kbd>}
        </label>
        <CompactField label="Sort">
          {(id) => (
            <select id={id} value={filters.sort} onChange={(event) => set('sort', event.target.value as SortKey)} disabled={searching}>
              {SORTS.map((sort) => (
                <option key={sort.value} value={sort.value}>{sort.label}</option>
              ))}
            </select>
          )}
        </CompactField>
        <button
          type="button"
          className="button secondary order-button"
          onClick={() => set('order', filters.order === 'desc' ? 'asc' : 'desc')}
          disabled={searching}
          aria-label={filters.order === 'desc' ? 'Descending order; switch to ascending' : 'Ascending order; switch to descending'}
          title={filters.order === 'desc' ? 'Newest or Z first' : 'Oldest or A first'}
        >
          {filters.order === 'desc' ? '↓' : '↑'}
        </button>
      </div>
      <div className="toolbar-row filters-row">
        <CompactField label="Tag">
          {(id) => (
            <select id={id} value={filters.tag} onChange={(event) => set('tag', event.target.value)}>
              <option value="">Any tag</option>
              {tags.map(({ tag, count }) => (
                <option key={tag} value={tag}>{`${tag} (${count})`}</option>
              ))}
            </select>
          )}
        </CompactField>
        <CompactField label="Provider">
          {(id) => (
            <>
              <input id={id} value={filters.provider} onChange={(event) => set('provider', event.target.value)} list="provider-suggestions" placeholder="any" spellCheck={false} size={10} />
              <datalist id="provider-suggestions">
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider} />
                ))}
              </datalist>
            </>
          )}
        </CompactField>
        <CompactField label="Model">
          {(id) => <input id={id} value={filters.model} onChange={(event) => set('model', event.target.value)} placeholder="any" spellCheck={false} size={12} />}
        </CompactField>
        <CompactField label="From">
          {(id) => <input id={id} type="date" value={filters.from} max={filters.to || undefined} onChange={(event) => set('from', event.target.value)} />}
        </CompactField>
        <CompactField label="To">
          {(id) => <input id={id} type="date" value={filters.to} min={filters.from || undefined} onChange={(event) => set('to', event.target.value)} />}
        </CompactField>
      </div>
      <div className="toolbar-row toggles-row">
        <label className="check-field">
          <input type="checkbox" checked={filters.hasAttachments} onChange={(event) => set('hasAttachments', event.target.checked)} disabled={searching} />
          With attachments
        </label>
        <label className="check-field">
          <input type="checkbox" checked={filters.showArchived} onChange={(event) => set('showArchived', event.target.checked)} disabled={searching || filters.trash} />
          Show archived
        </label>
        <label className="check-field">
          <input type="checkbox" checked={filters.trash} onChange={(event) => set('trash', event.target.checked)} disabled={searching} />
          Trash
        </label>
        {active > 0 && (
          <button type="button" className="link-button" onClick={() => onFilters({ ...defaultFilters, sort: filters.sort, order: filters.order })}>
            Clear filters ({active})
          </button>
        )}
        {searching && <span className="hint">Search covers titles and messages of every session outside the trash; tag, provider, model and dates apply.</span>}
      </div>
    </section>
  )
}
