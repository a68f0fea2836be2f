import { useCallback, useEffect, useMemo, useRef, useState, type ComponentType } from 'react'
import { settingsCards, settingsSections, settingsTargetFromHash, settingsHash, type SettingsSectionId } from '../../app/settings-sections'
import { ScreenHeader } from '../../components/ScreenHeader'
import { useSettingsNav } from '../../store/settings-nav-store'
import '../../settings.css'
import { AnalyticsSection } from './AnalyticsSection'
import { ChatDefaultsSection } from './ChatDefaultsSection'
import { ChatDisplaySection } from './ChatDisplaySection'
import { DataSection } from './DataSection'
import { DeveloperSection } from './DeveloperSection'
import { DiagnosticsSection } from './DiagnosticsSection'
import { AboutSection, AppearanceSection } from './GeneralCards'
import { ClusterCard, PrivacyCard, ProvidersCard } from './LinkCards'
import { OllamaSection } from './OllamaSection'
import { SettingsNav } from './SettingsNav'
import { TelemetrySection } from './TelemetrySection'
import { UpdatesSection } from './UpdatesSection'
import { useSettingsSearch } from './use-settings-search'
import { VoiceSection } from './VoiceSection'

/** Each card of the index (app/settings-sections.ts) and what draws it. */
const cardViews: Record<string, ComponentType> = {
  appearance: AppearanceSection,
  updates: UpdatesSection,
  about: AboutSection,
  'chat-defaults': ChatDefaultsSection,
  'chat-display': ChatDisplaySection,
  ollama: OllamaSection,
  providers: ProvidersCard,
  voice: VoiceSection,
  privacy: PrivacyCard,
  analytics: AnalyticsSection,
  data: DataSection,
  diagnostics: DiagnosticsSection,
  tracing: TelemetrySection,
  developer: DeveloperSection,
  cluster: ClusterCard,
}

const sectionElementId = (id: SettingsSectionId): string => `settings-section-${id}`
const cardElementId = (id: string): string => `settings-card-${id}`
/** How far below the top of the page a section counts as the one being read. */
const READING_LINE_PX = 96

/** The section being read: the last one whose title has scrolled up to the reading line (the last one at the very bottom). */
function sectionInView(scroller: HTMLElement): SettingsSectionId | undefined {
  const top = scroller.getBoundingClientRect().top
  const shown = settingsSections.map((section) => document.getElementById(sectionElementId(section.id))).filter((el): el is HTMLElement => !!el && !el.hidden)
  if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2 && scroller.scrollTop > 0) return shown.at(-1)?.dataset.section as SettingsSectionId | undefined
  let current = shown[0]
  for (const el of shown) if (el.getBoundingClientRect().top - top <= READING_LINE_PX) current = el
  return current?.dataset.section as SettingsSectionId | undefined
}

/** Brings a section (or one card) to the top, focuses its title for screen readers, and flashes the card. */
function reveal(section: SettingsSectionId, card?: string): void {
  const target = document.getElementById(card ? cardElementId(card) : sectionElementId(section))
  if (!target) return
  target.scrollIntoView?.({ block: 'start' })
  ;(card ? target : target.querySelector<HTMLElement>('h2'))?.focus({ preventScroll: true })
  if (card) {
    target.classList.remove('settings-flash')
    void target.offsetWidth
    target.classList.add('settings-flash')
  }
}

export function SettingsScreen() {
  const body = useRef<HTMLDivElement>(null)
  const search = useRef<HTMLInputElement>(null)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState<SettingsSectionId>(() => settingsTargetFromHash(location.hash)?.section ?? 'general')
  const visible = useSettingsSearch(body, query)
  const counts = useMemo(() => {
    const tally = Object.fromEntries(settingsSections.map((section) => [section.id, 0])) as Record<SettingsSectionId, number>
    for (const card of settingsCards) if (visible.has(card.id)) tally[card.section] += 1
    return tally
  }, [visible])
  // After a jump, the scroll position says nothing about what was asked for until the user scrolls.
  const jumped = useRef(false)

  const jumpTo = useCallback((section: SettingsSectionId, card?: string): void => {
    if (card && !visible.has(card)) setQuery('')
    setActive(section)
    jumped.current = true
    requestAnimationFrame(() => reveal(section, card))
  }, [visible])

  // Where the palette, a link or the address asks to go.
  const target = useSettingsNav((state) => state.target)
  useEffect(() => {
    if (target) jumpTo(target.section, target.card)
    // Only a new request moves the page.
  }, [target?.seq])
  useEffect(() => {
    const fromAddress = (): void => {
      const place = settingsTargetFromHash(location.hash)
      if (place) jumpTo(place.section, place.card)
    }
    if (!useSettingsNav.getState().target) fromAddress()
    window.addEventListener('popstate', fromAddress)
    return () => window.removeEventListener('popstate', fromAddress)
    // The address is read when the screen opens and on back/forward.
  }, [])

  // Which section is being read, as the page scrolls; and Ctrl/Cmd+F to search.
  useEffect(() => {
    const scroller = document.getElementById('main')
    if (!scroller) return
    const onScroll = (): void => {
      if (jumped.current) return
      const current = sectionInView(scroller)
      if (current) setActive(current)
    }
    const onUser = (): void => void (jumped.current = false)
    const onKey = (event: KeyboardEvent): void => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'f') {
        event.preventDefault()
        search.current?.focus()
        search.current?.select()
      }
    }
    scroller.addEventListener('scroll', onScroll, { passive: true })
    for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const) scroller.addEventListener(type, onUser, { passive: true })
    window.addEventListener('keydown', onKey)
    return () => {
      scroller.removeEventListener('scroll', onScroll)
      for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const) scroller.removeEventListener(type, onUser)
      window.removeEventListener('keydown', onKey)
    }
  }, [])

  const select = (section: SettingsSectionId): void => {
    const hash = settingsHash(section)
    if (location.hash !== hash) history.replaceState(null, '', hash)
    jumpTo(section)
  }
  const first = settingsCards.find((card) => visible.has(card.id))
  // While searching, the marker stays on a section that has matches.
  const marked = counts[active] > 0 || !first ? active : first.section
  const searching = query.trim() !== ''
  const matched = settingsCards.filter((card) => visible.has(card.id)).length

  return (
    <>
      <ScreenHeader id="settings" />
      <div className="settings-page">
        <SettingsNav query={query} onQuery={setQuery} onSubmit={() => first && jumpTo(first.section, first.id)} searchRef={search} active={marked} counts={counts} onSelect={select} />
        <div className="settings-body" ref={body}>
          <p className="settings-results" role="status">
            {searching ? (matched ? `${matched} ${matched === 1 ? 'group of settings matches' : 'groups of settings match'} “${query.trim()}”` : '') : ''}
          </p>
          {searching && matched === 0 && (
            <div className="settings-empty">
              <p>No setting matches “{query.trim()}”.</p>
              <button type="button" className="button secondary" onClick={() => setQuery('')}>Clear the search</button>
            </div>
          )}
          {settingsSections.map((section) => (
            <div key={section.id} id={sectionElementId(section.id)} data-section={section.id} className="settings-section" role="group" aria-labelledby={`${sectionElementId(section.id)}-title`} hidden={counts[section.id] === 0}>
              <header className="settings-section-head">
                <h2 id={`${sectionElementId(section.id)}-title`} tabIndex={-1}>{section.label}</h2>
                <p className="hint">{section.summary}</p>
              </header>
              {settingsCards
                .filter((card) => card.section === section.id)
                .map((card) => {
                  const View = cardViews[card.id]
                  return View ? (
                    <div key={card.id} id={cardElementId(card.id)} data-card={card.id} className="settings-card-slot" tabIndex={-1} hidden={!visible.has(card.id)}>
                      <View />
                    </div>
                  ) : null
                })}
            </div>
          ))}
        </div>
      </div>
    </>
  )
}
