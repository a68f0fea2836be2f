import { Component, type ErrorInfo, type ReactNode } from 'react'

interface Props {
  children: ReactNode
  /** Resets the boundary when this changes (e.g. the screen id). */
  resetKey?: string
}
interface State {
  error: (Error & { hint?: string }) | undefined
}

/** A screen that crashes shows its message and hint, never a stack trace, and the rest keeps working. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  override componentDidUpdate(previous: Props): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined })
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('screen crashed', error, info.componentStack)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (!error) return this.props.children
    return (
      <div className="error-panel" role="alert">
        <h2>This screen ran into a problem</h2>
        <p>{error.message || 'Something went wrong.'}</p>
        <p className="hint">{error.hint ?? 'Try again. If it keeps happening, restart Ollama Desk; the log in the data folder has the details.'}</p>
        <button type="button" className="button" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </div>
    )
  }
}
