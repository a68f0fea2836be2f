import { useEffect, useId, useState } from 'react'
import type { ErrorShape, Permissions } from '../../../../src-shared/contract'
import { RuleList } from './RuleList'
import type { PermissionLevel } from './use-permissions'

type Mode = Permissions['defaultMode']
type Field = 'defaultMode' | 'allow' | 'deny'

const MODES: { value: Mode; label: string; hint: string }[] = [
  { value: 'ask', label: 'Ask', hint: 'Ask before every tool call no rule allows.' },
  { value: 'allow-reads', label: 'Allow reads', hint: 'Read, Glob and Grep run without asking; the rest is asked.' },
  { value: 'deny', label: 'Deny', hint: 'Refuse every tool call no rule allows, without asking.' },
]

/** The route's issues by field; paths are `permissions.allow.3` (route) or `allow.3` (settings file). */
export function fieldErrors(error: ErrorShape): { fields: Partial<Record<Field, string[]>>; general: string | undefined } {
  const fields: Partial<Record<Field, string[]>> = {}
  for (const issue of error.issues ?? []) {
    const [first, ...rest] = issue.path.replace(/^permissions\.?/, '').split('.')
    if (first !== 'defaultMode' && first !== 'allow' && first !== 'deny') continue
    const at = rest[0] !== undefined && /^\d+$/.test(rest[0]) ? `Rule ${Number(rest[0]) + 1}: ` : ''
    ;(fields[first] ??= []).push(`${at}${issue.message}`)
  }
  return { fields, general: Object.keys(fields).length === 0 ? error.message : undefined }
}

export interface PermissionsEditorProps {
  level: PermissionLevel
  /** Where this level's rules live, for the heading ("/home/me/proj"). */
  where?: string
  initial: Permissions
  save(permissions: Permissions): Promise<ErrorShape | undefined>
}

/** One level's default mode and allow/deny rules, edited as a draft and saved as a whole. */
export function PermissionsEditor({ level, where, initial, save }: PermissionsEditorProps) {
  const modeName = useId()
  const modeErrorId = useId()
  const [draft, setDraft] = useState<Permissions>(initial)
  const [error, setError] = useState<ReturnType<typeof fieldErrors> | undefined>()
  const [saving, setSaving] = useState(false)
  const [saved, setSaved] = useState(false)
  useEffect(() => setDraft(initial), [initial])

  const changed = JSON.stringify(draft) !== JSON.stringify(initial)
  const edit = (patch: Partial<Permissions>): void => {
    setDraft((previous) => ({ ...previous, ...patch }))
    setSaved(false)
    // A complaint names rules by position; once its list changes it may point at the wrong one.
    setError((previous) => {
      if (!previous) return previous
      const fields = { ...previous.fields }
      for (const key of Object.keys(patch) as Field[]) delete fields[key]
      return { ...previous, fields }
    })
  }
  const onSave = async (): Promise<void> => {
    setSaving(true)
    const problem = await save(draft)
    setSaving(false)
    setError(problem ? fieldErrors(problem) : undefined)
    setSaved(!problem)
  }

  const title = level === 'user' ? 'Your rules (every workspace)' : 'This workspace’s rules'
  const modeErrors = error?.fields.defaultMode ?? []
  return (
    <form
      className="permissions-editor"
      aria-label={level === 'user' ? 'User permissions' : 'Workspace permissions'}
      onSubmit={(event) => {
        event.preventDefault()
        void onSave()
      }}
    >
      <div className="permissions-head">
        <h3>{title}</h3>
        {where && <code className="muted">{where}</code>}
      </div>
      <fieldset className="mode-choice" aria-describedby={modeErrors.length > 0 ? modeErrorId : undefined}>
        <legend>When no rule matches</legend>
        {MODES.map((mode) => (
          <label key={mode.value} title={mode.hint}>
            <input type="radio" name={modeName} value={mode.value} checked={draft.defaultMode === mode.value} onChange={() => edit({ defaultMode: mode.value })} />
            {mode.label}
          </label>
        ))}
        <p className="hint">{MODES.find((mode) => mode.value === draft.defaultMode)?.hint}</p>
        {modeErrors.length > 0 && (
          <div id={modeErrorId} className="field-error" role="alert">
            {modeErrors.map((message, i) => <p key={i}>{message}</p>)}
          </div>
        )}
      </fieldset>
      <div className="rule-lists">
        <RuleList label="Allow rules" rules={draft.allow} errors={error?.fields.allow ?? []} onChange={(allow) => edit({ allow })} />
        <RuleList label="Deny rules" rules={draft.deny} errors={error?.fields.deny ?? []} onChange={(deny) => edit({ deny })} />
      </div>
      {error?.general && <p className="field-error" role="alert">{error.general}</p>}
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving || !changed}>{saving ? 'Saving…' : 'Save rules'}</button>
        {changed && <button type="button" className="button secondary" onClick={() => { setDraft(initial); setError(undefined) }}>Discard changes</button>}
        {saved && !changed && <span className="hint" role="status">Saved.</span>}
      </div>
    </form>
  )
}
