import type { ReactNode } from 'react'
import { screenMeta, type ScreenId } from '../app/screen-registry'

export function ScreenHeader({ id, actions }: { id: ScreenId; actions?: ReactNode }) {
  const meta = screenMeta(id)
  return (
    <header className="screen-header">
      <div>
        <h1 tabIndex={-1} id="screen-title">{meta.label}</h1>
        <p>{meta.summary}</p>
      </div>
      {actions && <div className="screen-actions">{actions}</div>}
    </header>
  )
}

/** The honest empty state of a screen whose feature has not shipped yet. */
export function Upcoming({ title, points }: { title: string; points: string[] }) {
  return (
    <section className="card upcoming" aria-label="Coming next">
      <h2>{title}</h2>
      <ul>
        {points.map((point) => (
          <li key={point}>{point}</li>
        ))}
      </ul>
    </section>
  )
}
