/** Where a user turns the microphone back on, per OS (and in a browser, per site). */
export function microphoneHelp(platform: string | undefined, transport: 'electron' | 'web' | undefined): string {
  if (transport === 'web') return 'Allow the microphone for this site: click the icon at the left of the address bar, set Microphone to Allow, then try again.'
  switch (platform) {
    case 'darwin':
      return 'Open System Settings → Privacy & Security → Microphone and turn on Ollama Desk, then try again.'
    case 'win32':
      return 'Open Settings → Privacy & security → Microphone, turn on microphone access for desktop apps, then try again.'
    default:
      return 'Check that PipeWire or PulseAudio sees a microphone (pavucontrol or your sound settings) and that it is not muted, then try again.'
  }
}
