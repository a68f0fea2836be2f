import { useId, useState } from 'react'
import { ruleProblem } from './builtin-tools'

export interface RuleListProps {
  /** "Allow rules" / "Deny rules"; names the list, its input and its buttons. */
  label: string
  rules: readonly string[]
  onChange(rules: string[]): void
  /** The route's complaints about this list, shown under it. */
  errors: readonly string[]
}

/** An editable list of permission rules: each with Remove, and a field to add one (Enter or Add). */
export function RuleList({ label, rules, onChange, errors }: RuleListProps) {
  const errorId = useId()
  const [draft, setDraft] = useState('')
  const [problem, setProblem] = useState<string | undefined>()
  const messages = [...(problem ? [problem] : []), ...errors]

  const add = (): void => {
    const wrong = ruleProblem(draft, rules)
    if (wrong) return setProblem(wrong)
    onChange([...rules, draft.trim()])
    setDraft('')
    setProblem(undefined)
  }

  return (
    <fieldset className="rule-list" aria-describedby={messages.length > 0 ? errorId : undefined}>
      <legend>{label}</legend>
      {rules.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul aria-label={label}>
          {rules.map((rule, i) => (
            <li key={`${rule}-${i}`}>
              <code>{rule}</code>
              <button type="button" className="link-button" aria-label={`Remove ${rule} from ${label.toLowerCase()}`} onClick={() => onChange(rules.filter((_, at) => at !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="rule-add">
        <input
          aria-label={`New ${label.toLowerCase().replace(/s$/, '')}`}
          aria-invalid={messages.length > 0}
          placeholder="Bash(git status:*)"
          spellCheck={false}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value)
            setProblem(undefined)
          }}
          onKeyDown={(event) => {
            // Enter adds the rule instead of submitting the whole form.
            if (event.key !== 'Enter') return
            event.preventDefault()
            add()
          }}
        />
        <button type="button" className="button secondary" onClick={add}>Add</button>
      </div>
      {messages.length > 0 && (
        <div id={errorId} className="field-error" role="alert">
          {messages.map((message, i) => <p key={i}>{message}</p>)}
        </div>
      )}
    </fieldset>
  )
}
