/** Logs, the diagnostics bundle and the developer panel (performance marks, CPU profile). */
export function DeveloperSection() {
  return null
}
