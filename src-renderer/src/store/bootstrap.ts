import type { ApiClient, SettingsPatch } from '../../../src-shared/contract'
import { useAppStore } from './app-store'

/** Loads what every screen needs and keeps it live from main's push events. */
export async function bootstrap(api: ApiClient): Promise<() => void> {
  const store = useAppStore.getState()
  const offSettings = api.on('settings.changed', (settings) => useAppStore.getState().setSettings(settings))
  const offNotice = api.on('app.notice', (notice) => useAppStore.getState().notify(notice))
  const [info, settings] = await Promise.all([api.call('app.info', {}), api.call('settings.get', {})])
  if (info.ok) store.setInfo(info.value)
  else store.notifyError(info.error)
  if (settings.ok) store.setSettings(settings.value)
  else store.notifyError(settings.error)
  return () => {
    offSettings()
    offNotice()
  }
}

/** Saves a settings change; a refusal shows the contract's message and hint, and nothing changes. */
export async function updateSettings(api: ApiClient, patch: SettingsPatch): Promise<boolean> {
  const result = await api.call('settings.update', patch)
  const store = useAppStore.getState()
  if (result.ok) store.setSettings(result.value)
  else store.notifyError(result.error)
  return result.ok
}
