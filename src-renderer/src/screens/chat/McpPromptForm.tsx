import { useState, type KeyboardEvent } from 'react'
import type { ApiClient, ErrorShape, McpPrompt, Result } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import '../../mcp-chat.css'

/** How a server prompt shows among the slash commands, as Claude Code names it. */
export const promptCommand = (prompt: McpPrompt): string => `mcp__${prompt.server}__${prompt.name}`

/** The prompt's text, filled with the arguments by its server. */
export async function fillPrompt(api: ApiClient, prompt: McpPrompt, args: Record<string, string> = {}): Promise<Result<string>> {
  const result = await api.call('mcp.getPrompt', { server: prompt.server, name: prompt.name, ...(Object.keys(args).length > 0 ? { arguments: args } : {}) })
  return result.ok ? { ok: true, value: result.value.text } : result
}

export interface McpPromptFormProps {
  prompt: McpPrompt
  onFilled(text: string): void
  onCancel(): void
}

/** The arguments a server prompt asks for, inline above the message box. */
export function McpPromptForm({ prompt, onFilled, onCancel }: McpPromptFormProps) {
  const api = useApi()
  const [values, setValues] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const missing = prompt.arguments.filter((a) => a.required && !(values[a.name] ?? '').trim())
  const command = `/${promptCommand(prompt)}`

  const submit = async (): Promise<void> => {
    if (missing.length > 0 || busy) return
    setBusy(true)
    // Empty optional arguments stay out rather than reaching the server as "".
    const args = Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''))
    const result = await fillPrompt(api, prompt, args)
    setBusy(false)
    if (!result.ok) return setProblem(result.error)
    onFilled(result.value)
  }
  // Inside the composer's form: Enter fills the prompt instead of sending the message.
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter' && !event.nativeEvent.isComposing) void submit()
    else if (event.key === 'Escape') onCancel()
    else return
    event.preventDefault()
    event.stopPropagation()
  }

  return (
    <div className="prompt-args" role="group" aria-label={`Arguments for ${command}`}>
      <div>
        <strong>{command}</strong> {prompt.description && <span className="muted">{prompt.description}</span>}
      </div>
      {prompt.arguments.map((arg, i) => (
        <label key={arg.name}>
          <span>
            {arg.name}
            {arg.required ? ' (required)' : ' (optional)'}
          </span>
          <input
            value={values[arg.name] ?? ''}
            required={arg.required}
            autoFocus={i === 0}
            placeholder={arg.description}
            onChange={(event) => setValues((previous) => ({ ...previous, [arg.name]: event.target.value }))}
            onKeyDown={onKeyDown}
          />
        </label>
      ))}
      {problem && <p role="alert" className="hint">{problem.message}</p>}
      <div className="form-actions">
        <button type="button" className="button" disabled={missing.length > 0 || busy} onClick={() => void submit()}>
          {busy ? 'Filling…' : 'Use prompt'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  )
}
