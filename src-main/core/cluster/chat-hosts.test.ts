import fs from 'node:fs'
import type os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../../test/support/fakes/ollama-chat-server'
import { closedUrl } from '../../../test/support/fakes/sse'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { probeOllama } from '../ollama'
import { ChatHosts, ollamaUrlFor } from './chat-hosts'
import { describeOwnOllama, ollamaLanHint } from './ollama-reach'

/** Every probe here gets an answer (or a refusal) from loopback: never give up on one because the machine is busy. */
const patient = { timeoutMs: 60_000 }

const fakes: FakeOllamaChatServer[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
  removeTempDirs()
})

async function fakeOllama(): Promise<FakeOllamaChatServer> {
  const fake = await startFakeOllamaChat({ version: '0.13.0' })
  fakes.push(fake)
  return fake
}

const portOf = (url: string) => Number(new URL(url).port)
const lan = (address: string): NodeJS.Dict<os.NetworkInterfaceInfo[]> => ({
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [{ address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/24` }],
})

describe('describeOwnOllama', () => {
  it('reports a loopback-only Ollama with the OLLAMA_HOST hint for the OS', async () => {
    const fake = await fakeOllama()
    // The fake listens on 127.0.0.1 only, so asking it at another address of this machine fails.
    const describe = describeOwnOllama({ ...patient, host: () => fake.url, networkInterfaces: () => lan('127.0.0.2'), platform: 'darwin' })
    expect(await describe()).toEqual({ port: portOf(fake.url), reachable: true, listensOnLan: false, version: '0.13.0', hint: expect.stringContaining('launchctl setenv OLLAMA_HOST 0.0.0.0') })
  })

  it('counts Ollama as listening on the LAN when it answers at a LAN address, or when the host binds every interface', async () => {
    const fake = await fakeOllama()
    const answersThere = describeOwnOllama({ ...patient, host: () => fake.url, networkInterfaces: () => lan('127.0.0.1') })
    expect(await answersThere()).toEqual({ port: portOf(fake.url), reachable: true, listensOnLan: true, version: '0.13.0' })
    const everywhere = describeOwnOllama({ ...patient, host: () => `0.0.0.0:${portOf(fake.url)}`, networkInterfaces: () => ({}) })
    expect(await everywhere()).toMatchObject({ reachable: true, listensOnLan: true })
  })

  it('says when Ollama is not running, and when the host setting is unusable', async () => {
    const down = await closedUrl()
    expect(await describeOwnOllama({ ...patient, host: () => down, platform: 'linux' })()).toEqual({ port: portOf(down), reachable: false, listensOnLan: false, hint: expect.stringContaining('Environment="OLLAMA_HOST=0.0.0.0"') })
    expect(await describeOwnOllama({ ...patient, host: () => 'ftp://nope', platform: 'win32' })()).toEqual({ port: 11434, reachable: false, listensOnLan: false, hint: expect.stringContaining('user environment variable OLLAMA_HOST=0.0.0.0') })
  })

  it('reuses one answer for a few seconds, and asks again when the host changes', async () => {
    const first = await fakeOllama()
    const second = await fakeOllama()
    let host = first.url
    let now = 0
    const describe = describeOwnOllama({ ...patient, host: () => host, networkInterfaces: () => ({}), now: () => now, cacheMs: 1000 })
    await describe()
    await describe()
    const versions = (fake: FakeOllamaChatServer) => fake.requests.filter((request) => request.path === '/api/version').length
    expect(versions(first)).toBe(1)
    now = 1000
    await describe()
    expect(versions(first)).toBe(2)
    host = second.url
    await describe()
    expect(versions(second)).toBe(1)
  })

  it('gives a hint per OS that ends with restarting Ollama', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) expect(ollamaLanHint(platform)).toMatch(/OLLAMA_HOST.*restart Ollama/)
  })
})

describe('ChatHosts', () => {
  function chatHosts(initial: string[] = []) {
    const dataDir = makeTempDir()
    let hosts = initial
    const saves: string[][] = []
    const store = new ChatHosts({
      dataDir,
      pool: { hosts: () => hosts, setHosts: (next) => void saves.push((hosts = next)) },
      probe: (url, signal) => probeOllama(url, { signal, ...patient }),
    })
    return { store, dataDir, saves, hosts: () => hosts, setHosts: (next: string[]) => (hosts = next) }
  }
  const signal = () => new AbortController().signal

  it('adds the probed URL once, replaces the URL of a peer whose address changed, and remembers which peer added it', async () => {
    const fake = await fakeOllama()
    const port = portOf(fake.url)
    const chat = chatHosts(['http://10.0.0.9:11434'])
    const peer = { id: 'peer-1', name: 'studio', address: 'tcp://127.0.0.1:47811', ollama: { port, reachable: true, listensOnLan: true } }
    expect(await chat.store.enable(peer, signal())).toEqual(['http://10.0.0.9:11434', fake.url])
    expect(await chat.store.enable(peer, signal())).toEqual(['http://10.0.0.9:11434', fake.url])
    expect(chat.store.isUsed('peer-1')).toBe(true)
    expect(JSON.parse(fs.readFileSync(path.join(chat.dataDir, 'chat-hosts.json'), 'utf8'))).toEqual({ version: 1, peers: { 'peer-1': fake.url } })

    // The user took it out by hand in Providers & Health: the switch shows off.
    chat.setHosts(['http://10.0.0.9:11434'])
    expect(chat.store.isUsed('peer-1')).toBe(false)
    chat.setHosts(['http://10.0.0.9:11434', fake.url])
    expect(await chat.store.disable('peer-1')).toEqual(['http://10.0.0.9:11434'])
    expect(chat.store.has('peer-1')).toBe(false)
    const savesBefore = chat.saves.length
    expect(await chat.store.disable('peer-1')).toEqual(['http://10.0.0.9:11434'])
    expect(chat.saves.length).toBe(savesBefore)
  })

  it('refuses a peer whose Ollama does not answer from here, with that peer’s own OLLAMA_HOST hint; nothing is saved', async () => {
    const down = await closedUrl()
    const chat = chatHosts()
    const hint = ollamaLanHint('darwin')
    const peer = { id: 'peer-1', name: 'studio', address: 'tcp://127.0.0.1:47811', ollama: { port: portOf(down), reachable: true, listensOnLan: false, hint } }
    await expect(chat.store.enable(peer, signal())).rejects.toMatchObject({ code: 'E_NETWORK', message: expect.stringContaining(`Ollama on studio does not answer from here at ${down}`), hint })
    await expect(chat.store.enable({ ...peer, ollama: { ...peer.ollama, reachable: false } }, signal())).rejects.toMatchObject({ code: 'E_NETWORK', message: 'Ollama is not running on studio.' })
    // Listening on the LAN by its own account, yet silent from here: the hint names OLLAMA_HOST and the firewall.
    await expect(chat.store.enable({ ...peer, ollama: { port: portOf(down), reachable: true, listensOnLan: true } }, signal())).rejects.toMatchObject({ code: 'E_NETWORK', hint: expect.stringContaining(`firewall lets port ${portOf(down)} through`) })
    expect(chat.saves).toEqual([])
    expect(fs.existsSync(path.join(chat.dataDir, 'chat-hosts.json'))).toBe(false)
  })

  it('survives a damaged file: it forgets which peer added which host and keeps working', async () => {
    const chat = chatHosts(['http://127.0.0.1:1'])
    fs.writeFileSync(path.join(chat.dataDir, 'chat-hosts.json'), '{ not json')
    expect(chat.store.isUsed('peer-1')).toBe(false)
    expect(await chat.store.disable('peer-1')).toEqual(['http://127.0.0.1:1'])
  })

  it('builds the Ollama URL from the peer’s cluster address', () => {
    expect(ollamaUrlFor('tcp://192.168.1.20:47811', 11434)).toBe('http://192.168.1.20:11434')
    expect(ollamaUrlFor('tcp://[fe80::1]:47811', 11434)).toBe('http://[fe80::1]:11434')
    expect(() => ollamaUrlFor('not an address', 11434)).toThrow(/not a transport address/)
  })
})
