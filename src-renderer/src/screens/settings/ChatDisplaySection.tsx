import { CHAT_FONT_MAX, CHAT_FONT_MIN, type CodeTheme, type Density, type Settings } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { Markdown } from '../../components/Markdown'
import { useAppStore } from '../../store/app-store'
import { updateSettings } from '../../store/bootstrap'

const CODE_THEMES: { value: CodeTheme; label: string }[] = [
  { value: 'default', label: 'Default (follows the theme)' },
  { value: 'high-contrast', label: 'High contrast' },
  { value: 'plain', label: 'Plain (no colours)' },
]
const DENSITIES: { value: Density; label: string }[] = [
  { value: 'comfortable', label: 'Comfortable' },
  { value: 'compact', label: 'Compact' },
]
const SAMPLE = 'Read a file in Rust:\n\n```rust\n// the whole file at once\nlet text = std::fs::read_to_string("notes.txt")?;\n```'

/** Settings → Chat → Messages: text size, code colours, density, and the token line under replies, with a live preview. */
export function ChatDisplaySection() {
  const api = useApi()
  const display = useAppStore((state) => state.settings?.display)
  if (!display) return null
  const save = (patch: Partial<Settings['display']>): void => void updateSettings(api, { display: patch })
  return (
    <section className="card chat-display" aria-labelledby="chat-display-title">
      <h3 id="chat-display-title">Messages</h3>
      <label className="field">
        <span className="field-label">Font size: {display.fontSize} px</span>
        <input type="range" min={CHAT_FONT_MIN} max={CHAT_FONT_MAX} step={1} value={display.fontSize} aria-valuetext={`${display.fontSize} pixels`} onChange={(event) => save({ fontSize: Number(event.target.value) })} />
      </label>
      <label className="field">
        <span className="field-label">Code theme</span>
        <select value={display.codeTheme} onChange={(event) => save({ codeTheme: event.target.value as CodeTheme })}>
          {CODE_THEMES.map((theme) => (
            <option key={theme.value} value={theme.value}>{theme.label}</option>
          ))}
        </select>
      </label>
      <fieldset className="segmented">
        <legend>Density</legend>
        {DENSITIES.map(({ value, label }) => (
          <label key={value} className={display.density === value ? 'selected' : undefined}>
            <input type="radio" name="density" value={value} checked={display.density === value} onChange={() => save({ density: value })} />
            {label}
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={display.showTokenEstimates} onChange={(event) => save({ showTokenEstimates: event.target.checked })} /> Show token counts, speed and time to first token under each reply
      </label>
      <div className="display-preview" role="group" aria-label="Preview">
        <span className="display-preview-label">Preview</span>
        <div className="message role-assistant">
          <Markdown text={SAMPLE} />
          {display.showTokenEstimates && (
            <footer className="message-meta">
              <span>≈ 42 in · 18 out tokens (est.)</span>
              <span>31.5 tok/s</span>
              <span title="Time to first token: how long the model took to start answering">first token 240 ms</span>
            </footer>
          )}
        </div>
      </div>
    </section>
  )
}
