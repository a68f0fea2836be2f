import { isRecord, type SecretNameSource } from '../secrets'
import { keyNameFor } from './registry'

/** Every provider in providers.json may have an API key in the secret store. */
export const providerSecretNames: SecretNameSource = {
  file: 'providers.json',
  names(config) {
    if (!isRecord(config) || !Array.isArray(config.providers)) return []
    return config.providers.flatMap((provider) => (isRecord(provider) && typeof provider.id === 'string' ? [keyNameFor(provider.id)] : []))
  },
}
