import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { ClusterCapabilities } from '../../../../src-shared/contract'
import { defaultSettings } from '../../../test/fake-api'
import { renderApp } from '../../../test/render'
import { isLoopbackAddress } from './cluster-format'

/** The Cluster screen with studio paired; `ollama` replaces what studio tells about its Ollama. */
async function pairedStudio(ollama?: ClusterCapabilities['ollama'] | null, address?: string) {
  location.hash = '#/cluster'
  const settings = defaultSettings()
  settings.cluster.enabled = true
  const fake = await renderApp({ settings })
  const studio = fake.cluster.world.peers[0]!
  const capabilities = { ...fake.cluster.world.peerCapabilities[studio.id]! }
  if (ollama === null) delete capabilities.ollama
  else if (ollama) capabilities.ollama = ollama
  Object.assign(studio, { paired: true, pairedAt: new Date().toISOString(), capabilities, ...(address ? { addresses: [address] } : {}) })
  fake.cluster.changed('paired')
  const card = await screen.findByRole('listitem', { name: 'Peer studio' })
  await waitFor(() => expect(card.textContent).toContain('Paired'))
  return { fake, card, studio }
}

describe('May send models here', () => {
  it('is off after pairing, and the switch allows and forbids the peer again', async () => {
    const { fake, card, studio } = await pairedStudio()
    const toggle = within(card).getByRole('switch', { name: 'May send models here' })
    expect((toggle as HTMLInputElement).checked).toBe(false)
    expect(card.textContent).toContain('Off: models studio sends are refused.')
    await userEvent.click(toggle)
    await waitFor(() => expect(card.textContent).toContain('studio can copy models to this computer.'))
    expect(fake.calls.filter((call) => call.route === 'cluster.allowModels').map((call) => call.input)).toEqual([{ peer: studio.id, allowed: true }])
    await userEvent.click(within(card).getByRole('switch', { name: 'May send models here' }))
    await waitFor(() => expect(card.textContent).toContain('Off: models studio sends are refused.'))
  })
})

describe('A paired machine announced somewhere else', () => {
  it('says so on its card', async () => {
    const { fake, card, studio } = await pairedStudio()
    studio.addressWarning = 'Announced at tcp://10.9.9.9:47811, but it last proved its identity at tcp://192.168.1.20:47811.'
    fake.cluster.changed('peers')
    await waitFor(() => expect(within(card).getByRole('alert').textContent).toContain('last proved its identity at tcp://192.168.1.20:47811'))
  })
})

describe('Use for chats', () => {
  it('turns a paired peer’s Ollama on for chats, says how many models it brings, and off again', async () => {
    const { fake, card, studio } = await pairedStudio()
    const toggle = within(card).getByRole('switch', { name: 'Use for chats' })
    expect(toggle).toHaveProperty('checked', false)
    expect(card.textContent).toContain('Off: chats run on this computer’s Ollama only.')

    await userEvent.click(toggle)
    await waitFor(() => expect(within(card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('checked', true))
    expect(card.textContent).toContain('Chats can run on studio: 1 model')
    expect(fake.cluster.world.chatHosts).toEqual(['http://192.168.1.20:11434'])
    expect(fake.calls.filter((call) => call.route === 'cluster.useForChat').map((call) => call.input)).toEqual([{ peer: studio.id, enabled: true }])

    await userEvent.click(within(card).getByRole('switch', { name: 'Use for chats' }))
    await waitFor(() => expect(within(card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('checked', false))
    expect(fake.cluster.world.chatHosts).toEqual([])
  })

  it('is disabled with the peer’s OLLAMA_HOST hint when its Ollama answers only that machine', async () => {
    const hint = 'Ollama answers only this machine. Run `launchctl setenv OLLAMA_HOST 0.0.0.0` on it, then restart Ollama.'
    const { fake, card } = await pairedStudio({ port: 11434, reachable: true, listensOnLan: false, hint })
    expect(within(card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('disabled', true)
    expect(card.textContent).toContain('Ollama on studio answers only that machine.')
    expect(card.textContent).toContain('launchctl setenv OLLAMA_HOST 0.0.0.0')
    expect(fake.calls.some((call) => call.route === 'cluster.useForChat')).toBe(false)
  })

  it('is disabled when Ollama is not running on the peer', async () => {
    const { card } = await pairedStudio({ port: 11434, reachable: false, listensOnLan: false })
    expect(within(card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('disabled', true)
    expect(card.textContent).toContain('Ollama is not running on studio.')
    expect(card.textContent).toContain('Start Ollama there, then press Refresh.')
  })

  it('stays usable for a second instance on this computer, whose Ollama on loopback answers', async () => {
    const local = await pairedStudio({ port: 11434, reachable: true, listensOnLan: false, hint: 'set OLLAMA_HOST' }, 'tcp://127.0.0.1:47812')
    expect(within(local.card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('disabled', false)
  })

  it('lets an older peer that does not report its Ollama be tried, shows why it refused, and keeps the switch off', async () => {
    const { fake, card } = await pairedStudio(null)
    const toggle = within(card).getByRole('switch', { name: 'Use for chats' })
    expect(toggle).toHaveProperty('disabled', false)
    fake.cluster.world.failing['cluster.useForChat'] = { code: 'E_NETWORK', message: 'Ollama on studio does not answer from here at http://192.168.1.20:11434: no answer within 3000 ms.', hint: 'Make sure Ollama on studio listens on the network (OLLAMA_HOST=0.0.0.0).', retryable: true }
    await userEvent.click(toggle)
    const alert = await within(card).findByRole('alert')
    expect(alert.textContent).toContain('does not answer from here')
    expect(alert.textContent).toContain('OLLAMA_HOST=0.0.0.0')
    expect(within(card).getByRole('switch', { name: 'Use for chats' })).toHaveProperty('checked', false)
  })

  it('is not offered before pairing', async () => {
    location.hash = '#/cluster'
    const settings = defaultSettings()
    settings.cluster.enabled = true
    await renderApp({ settings })
    const card = await screen.findByRole('listitem', { name: 'Peer studio' })
    expect(within(card).queryByRole('switch', { name: 'Use for chats' })).toBeNull()
  })
})

describe('isLoopbackAddress', () => {
  it('knows this computer’s addresses', () => {
    expect(isLoopbackAddress('tcp://127.0.0.1:47811')).toBe(true)
    expect(isLoopbackAddress('tcp://[::1]:47811')).toBe(true)
    expect(isLoopbackAddress('tcp://192.168.1.20:47811')).toBe(false)
  })
})
