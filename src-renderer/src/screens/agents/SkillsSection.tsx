import { useState } from 'react'
import type { RouteOutput, Skill } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { useSkills } from '../../lib/use-skills'
import { workspaceInput } from '../../store/workspace-store'

type RunResult = RouteOutput<'skills.run'>

function SkillResult({ result }: { result: RunResult }) {
  return (
    <div className={`skill-result ${result.allowed ? 'allowed' : 'blocked'}`} role="status" aria-label={`Result of ${result.skill.name}`}>
      <p>
        <strong>{result.allowed ? 'Allowed' : 'Denied'}</strong>
        {result.reason && <span> · {result.reason}</span>}
      </p>
      {result.outcome.errors.map((error, i) => <p key={i} className="hook-error">{error}</p>)}
      {result.content && <pre className="skill-content">{result.content}</pre>}
    </div>
  )
}

function SkillRow({ skill, workspace }: { skill: Skill; workspace: string }) {
  const api = useApi()
  const [args, setArgs] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<RunResult | undefined>()
  const run = async (): Promise<void> => {
    setBusy(true)
    const answer = await api.call('skills.run', { name: skill.name, ...(args.trim() ? { args } : {}), ...workspaceInput(workspace) })
    setBusy(false)
    if (answer.ok) setResult(answer.value)
    else useAppStore.getState().notifyError(answer.error)
  }
  return (
    <li className="skill-row" aria-label={skill.name}>
      <div className="skill-line">
        <strong>/{skill.name}</strong>
        <span className={`source-chip ${skill.source}`}>{skill.source}</span>
        {skill.model && <span className="model-chip" title="This skill asks for this model">{skill.model}</span>}
        {skill.hasHooks && <span className="pill">has hooks</span>}
      </div>
      <p className="muted">{skill.description}</p>
      {skill.allowedTools.length > 0 && <p className="hint">Allowed tools: {skill.allowedTools.join(', ')}</p>}
      <form
        className="skill-run"
        aria-label={`Run ${skill.name}`}
        onSubmit={(event) => {
          event.preventDefault()
          void run()
        }}
      >
        <input aria-label={`Arguments for ${skill.name}`} placeholder="Arguments (optional)" value={args} onChange={(e) => setArgs(e.target.value)} />
        <button type="submit" className="button secondary" disabled={busy}>{busy ? 'Running…' : 'Run'}</button>
      </form>
      {result && <SkillResult result={result} />}
    </li>
  )
}

/** Skills: reusable instructions (with their own tools and hooks) from the user's and the workspace's folders. */
export function SkillsSection({ workspace }: { workspace: string }) {
  const { skills, dirs, loading, problem } = useSkills(workspace)
  return (
    <section className="card skills" aria-labelledby="skills-title">
      <h2 id="skills-title">Skills</h2>
      <p className="hint">In a chat, type <code>/name</code> to use one.{dirs.length > 0 && ` Found in ${dirs.join(' and ')}.`}</p>
      {problem && <p className="hook-error" role="alert">Can’t list skills: {problem.message}</p>}
      {skills.length === 0 ? (
        <p className="muted">{loading ? 'Loading skills…' : 'No skills yet: add a folder with a SKILL.md to a skills folder.'}</p>
      ) : (
        <ul className="skill-rows">
          {skills.map((skill) => <SkillRow key={`${skill.source}:${skill.name}`} skill={skill} workspace={workspace} />)}
        </ul>
      )}
    </section>
  )
}
