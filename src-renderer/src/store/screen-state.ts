/**
 * Screens that keep their state in a store across navigation register how to start over, so a
 * fresh app (a test, a signed-out window) resets them without importing any screen.
 */
const resets = new Set<() => void>()

/** Remembers the store's first state; resetScreenStates() puts it back. */
export function registerScreenState<T>(store: { getState(): T; setState(state: T, replace: true): void }): void {
  const initial = store.getState()
  resets.add(() => store.setState(initial, true))
}

export function resetScreenStates(): void {
  for (const reset of resets) reset()
}
