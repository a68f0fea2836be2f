import type { RefObject } from 'react'
import { settingsSections, type SettingsSectionId } from '../../app/settings-sections'

const modKey = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+'

export interface SettingsNavProps {
  query: string
  onQuery(query: string): void
  /** Enter in the search box: go to the first match. */
  onSubmit(): void
  searchRef: RefObject<HTMLInputElement | null>
  active: SettingsSectionId
  /** How many cards of each section match the search (all of them without one). */
  counts: Record<SettingsSectionId, number>
  onSelect(section: SettingsSectionId): void
}

/** The left column of Settings: a search box and the sections, the one in view marked. */
export function SettingsNav({ query, onQuery, onSubmit, searchRef, active, counts, onSelect }: SettingsNavProps) {
  const searching = query.trim() !== ''
  return (
    <aside className="settings-aside">
      <div role="search" className="settings-search">
        <input
          ref={searchRef}
          type="search"
          aria-label="Search settings"
          placeholder="Search settings"
          title={`Search settings (${modKey}F)`}
          aria-keyshortcuts="Control+F Meta+F"
          value={query}
          onChange={(event) => onQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault()
              event.stopPropagation()
              onQuery('')
            } else if (event.key === 'Enter') {
              event.preventDefault()
              onSubmit()
            }
          }}
        />
      </div>
      <nav aria-label="Settings sections">
        <ul>
          {settingsSections.map((section) => {
            const count = counts[section.id]
            const empty = searching && count === 0
            return (
              <li key={section.id}>
                <a
                  href={`#/settings/${section.id}`}
                  className={`settings-nav-item${empty ? ' empty' : ''}`}
                  aria-current={active === section.id ? 'location' : undefined}
                  aria-disabled={empty || undefined}
                  onClick={(event) => {
                    event.preventDefault()
                    if (!empty) onSelect(section.id)
                  }}
                >
                  <span>{section.label}</span>
                  {searching && <span className="settings-nav-count" aria-label={`${count} ${count === 1 ? 'match' : 'matches'}`}>{count}</span>}
                </a>
              </li>
            )
          })}
        </ul>
      </nav>
    </aside>
  )
}
