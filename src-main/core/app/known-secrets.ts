import { SecretScanner, type SecretScannerDeps } from '../diagnostics'
import { mcpSecretNames } from '../mcp'
import { providerSecretNames } from '../providers'

/** Each capability that keeps secrets declares where it names them; a new one adds its source here. */
export const secretNameSources = [providerSecretNames, mcpSecretNames] as const

/** Diagnostics' scanner over every capability's secret names: the scrubber learns each saved value. */
export class KnownSecrets extends SecretScanner {
  constructor(deps: Omit<SecretScannerDeps, 'sources'>) {
    super({ ...deps, sources: secretNameSources })
  }
}
