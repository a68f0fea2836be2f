import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The update feed and signing settings in build/electron-builder.json, and build/SIGNING.md that
 * explains them: a renewal checklist is only useful while it names the names the config trusts.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const config = JSON.parse(fs.readFileSync(path.join(root, 'build/electron-builder.json'), 'utf8')) as {
  publish: { provider: string; url?: string }[]
  generateUpdatesFilesForAllChannels: boolean
  win: { signtoolOptions: { publisherName: string[] }; verifyUpdateCodeSignature: boolean }
  mac: { hardenedRuntime: boolean }
}
const signing = fs.readFileSync(path.join(root, 'build/SIGNING.md'), 'utf8')

describe('update publishing', () => {
  it('the app reads a generic https feed, with update files for every channel', () => {
    expect(config.publish[0]).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) })
    expect(config.generateUpdatesFilesForAllChannels).toBe(true)
  })

  it('Windows updates are verified against a list of publisher names, all documented', () => {
    expect(config.win.verifyUpdateCodeSignature).toBe(true)
    const names = config.win.signtoolOptions.publisherName
    expect(names.length).toBeGreaterThanOrEqual(2) // the current certificate and the next one
    for (const name of names) expect(signing).toContain(`\`${name}\``)
  })

  it('SIGNING.md names the notarisation secrets and the feed files per channel', () => {
    expect(config.mac.hardenedRuntime).toBe(true)
    for (const word of ['APPLE_API_KEY', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'hardenedRuntime', 'entitlements', 'latest.yml', 'beta.yml', 'latest-mac.yml', 'latest-linux.yml', config.publish[0]!.url!]) {
      expect(signing).toContain(word)
    }
  })
})
