import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { defaultSettings } from '../../../test/fake-api'
import { renderApp } from '../../../test/render'
import { formatAgo, formatBandwidth, formatGiB } from './cluster-format'

const openCluster = async (enabled = false) => {
  location.hash = '#/cluster'
  const settings = defaultSettings()
  settings.cluster.enabled = enabled
  const rendered = await renderApp({ settings })
  await screen.findByRole('heading', { level: 1, name: 'Cluster' })
  return rendered
}

describe('Cluster screen', () => {
  it('explains what turning clustering on does, and turns it on', async () => {
    const fake = await openCluster()
    const off = await screen.findByRole('region', { name: 'Clustering is off' })
    expect(off.textContent).toContain('listen on your local network on port 47811')
    expect(off.textContent).toContain('one-time code')
    expect(fake.calls.some((call) => call.route === 'cluster.peers')).toBe(false)

    await userEvent.click(within(off).getByRole('switch', { name: 'Turn clustering on' }))
    expect(fake.settings().cluster.enabled).toBe(true)
    const self = await screen.findByRole('region', { name: /laptop \(this machine\)/ })
    expect(self.textContent).toContain('Listening on 0.0.0.0:47811')
    expect(self.textContent).toContain('Not available: The RDMA module is not part of this build.')
    expect(await screen.findByRole('listitem', { name: 'Peer studio' })).toBeTruthy()
  })

  it('shows an unpaired peer’s summary and pairs with the code it shows', async () => {
    const fake = await openCluster(true)
    const peer = await screen.findByRole('listitem', { name: 'Peer studio' })
    expect(peer.textContent).toContain('Not paired')
    expect(peer.textContent).toContain('64 GB')
    expect(peer.textContent).toContain('Apple M2 Ultra')
    expect(peer.textContent).toContain('1 (pair to see which)')
    expect(peer.textContent).toContain('192.168.1.20:47811')

    await userEvent.click(within(peer).getByRole('button', { name: 'Pair…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Pair with studio' })
    await userEvent.type(within(dialog).getByLabelText('Pairing code'), '12')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pair' }))
    expect(within(dialog).getByRole('alert').textContent).toContain('The pairing code has 6 digits.')
    expect(fake.calls.some((call) => call.route === 'cluster.pair')).toBe(false)

    await userEvent.clear(within(dialog).getByLabelText('Pairing code'))
    await userEvent.type(within(dialog).getByLabelText('Pairing code'), '111111')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pair' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('The code did not match.')

    await userEvent.clear(within(dialog).getByLabelText('Pairing code'))
    await userEvent.type(within(dialog).getByLabelText('Pairing code'), '482 913')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pair' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    const paired = await screen.findByRole('listitem', { name: 'Peer studio' })
    await waitFor(() => expect(paired.textContent).toContain('Paired'))
    expect(paired.textContent).toContain('qwen3:32b')
    expect(paired.textContent).toContain('Fingerprint9F8E-7D6C-5B4A-3928')
    expect(paired.textContent).toContain('936 Mbit/s over Ethernet')
    expect(fake.calls.filter((call) => call.route === 'cluster.pair').at(-1)?.input).toEqual({ peer: fake.cluster.world.peers[0]?.id, code: '482913' })
  })

  it('shows this machine’s pairing code in large digits with a countdown', async () => {
    await openCluster(true)
    await userEvent.click(await screen.findByRole('button', { name: 'Show pairing code' }))
    const dialog = await screen.findByRole('dialog', { name: 'Pairing code' })
    expect(within(dialog).getByLabelText('Pairing code 3 0 5 1 1 7').textContent).toBe('305 117')
    expect(within(dialog).getByRole('timer').textContent).toMatch(/^Valid for [12]:\d\d$/)
    expect(dialog.textContent).toContain('This machine’s fingerprint is 1A2B-3C4D-5E6F-7081.')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('measures a paired peer, sends a model with progress and can cancel, then unpairs', async () => {
    const fake = await openCluster(true)
    const studio = fake.cluster.world.peers[0]!
    Object.assign(studio, { paired: true, pairedAt: new Date().toISOString(), capabilities: fake.cluster.world.peerCapabilities[studio.id] })
    fake.cluster.world.bytesPerSecond = 1_200_000_000
    fake.cluster.world.holdSends = true
    fake.cluster.changed('paired')
    const peer = await screen.findByRole('listitem', { name: 'Peer studio' })
    await waitFor(() => expect(peer.textContent).toContain('Not measured yet'))
    await userEvent.click(within(peer).getByRole('button', { name: 'Measure' }))
    await waitFor(() => expect(peer.textContent).toContain('9.6 Gbit/s over Ethernet'))

    await userEvent.click(within(peer).getByRole('button', { name: 'Send model…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Send a model to studio' })
    await userEvent.selectOptions(within(dialog).getByLabelText('Model'), 'qwen3:8b')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send' }))
    const bar = await within(dialog).findByRole('progressbar', { name: 'Sending qwen3:8b' })
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('75'))
    expect(dialog.textContent).toContain('1.1 GB/s')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('cancelled; send again to resume')

    fake.cluster.world.holdSends = false
    await userEvent.click(within(dialog).getByRole('button', { name: 'Try again' }))
    expect((await within(dialog).findByRole('status')).textContent).toContain('Sent qwen3:8b')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }))

    await userEvent.click(within(peer).getByRole('button', { name: 'Unpair…' }))
    await userEvent.click(within(peer).getByRole('button', { name: 'Unpair' }))
    await waitFor(() => expect(peer.textContent).toContain('Not paired'))
    expect(fake.calls.filter((call) => call.route === 'cluster.unpair')).toHaveLength(1)
  })

  it('listens on the interface chosen under Network settings', async () => {
    const fake = await openCluster(true)
    const self = await screen.findByRole('region', { name: /laptop \(this machine\)/ })
    await userEvent.click(within(self).getByText('Network settings'))
    const listenOn = within(self).getByLabelText('Listen on')
    expect(within(listenOn).getAllByRole('option').map((option) => option.textContent)).toEqual(['Every network interface', 'lo (127.0.0.1)', 'en0 (192.168.1.10)'])
    await userEvent.selectOptions(listenOn, 'en0')
    expect(fake.settings().cluster.bind).toBe('en0')
    await waitFor(() => expect(self.textContent).toContain('Listening on 192.168.1.10:47811'))
  })

  it('shows why the peers cannot be listed', async () => {
    const fake = await openCluster(true)
    fake.cluster.world.failing['cluster.peers'] = { code: 'E_NETWORK', message: 'The cluster listener stopped.', hint: 'Turn clustering off and on.', retryable: true }
    await userEvent.click(await screen.findByRole('button', { name: 'Refresh' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The cluster listener stopped.')
    expect(alert.textContent).toContain('Turn clustering off and on.')
  })
})

describe('cluster formatting', () => {
  it('gives bandwidth in bits per second and ages in words', () => {
    expect(formatBandwidth(117_000_000)).toBe('936 Mbit/s')
    expect(formatBandwidth(1_200_000_000)).toBe('9.6 Gbit/s')
    expect(formatBandwidth(2_500_000_000)).toBe('20 Gbit/s')
    expect(formatBandwidth(100_000)).toBe('800 kbit/s')
    expect(formatGiB(23.5 * 2 ** 30)).toBe('23.5 GB')
    expect(formatGiB(64 * 2 ** 30)).toBe('64 GB')
    expect(formatAgo(1_000, 3_000)).toBe('just now')
    expect(formatAgo(0, 42_000)).toBe('42 s ago')
    expect(formatAgo(0, 5 * 60_000)).toBe('5 min ago')
  })
})
