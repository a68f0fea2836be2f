import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { goTo, openAppWithFakes, root, shoot, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * MCP in Chromium against the real web companion: import Claude Desktop's config, watch the
 * server (a real MCP server over stdio) connect, and approve a tool call the model makes.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let home: string

before(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-home-'))
  // Claude Desktop's config where it keeps it on Linux, naming a real MCP server.
  const config = path.join(home, '.config', 'Claude', 'claude_desktop_config.json')
  fs.mkdirSync(path.dirname(config), { recursive: true })
  fs.writeFileSync(config, JSON.stringify({ mcpServers: { demo: { command: process.execPath, args: [path.join(root, 'src-main', 'core', 'mcp', 'testdata', 'stdio-server.mjs')] } } }))
  app = await openAppWithFakes({ env: { HOME: home } })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe('MCP servers', () => {
  test('imports Claude Desktop’s servers and they connect', async () => {
    await goTo(page, 'Tools & MCP')
    await page.getByRole('button', { name: 'Import from Claude Desktop' }).click()
    const row = page.getByRole('listitem', { name: 'demo' })
    await row.getByLabel('State: connected').waitFor()
    await page.getByText('mcp__demo__echo').first().waitFor()
    await row.scrollIntoViewIfNeeded()
    await shoot(page, 'mcp-servers')
  })

  test('a tool call the model makes is asked for, approved, and its result shown', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_mcp', name: 'mcp__demo__echo', arguments: { text: 'hello from MCP' } } }, { text: ['The server said hello.'] }] })
    await goTo(page, 'Chat')
    await page.getByRole('textbox', { name: 'Message' }).fill('call the echo tool')
    await page.getByRole('button', { name: 'Send' }).click()
    const dialog = page.getByRole('dialog', { name: 'Allow mcp__demo__echo?' })
    await dialog.waitFor()
    await shoot(page, 'chat-mcp-approval')
    await dialog.getByRole('button', { name: 'Allow once' }).click()
    await page.getByRole('log', { name: 'Messages' }).getByText('The server said hello.').waitFor()
    const stats = await fakes.stats()
    assert.ok(stats.ollama!.requests >= 2)
    await shoot(page, 'chat-mcp-result')
  })
})
