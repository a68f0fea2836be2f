// A real MCP server over stdio for the connection and manager tests.
// Env: BANNER=1 prints a line on stdout before speaking MCP; STARTUP_GATE=<file> holds the
// handshake until that file exists (the test decides how long a server is slow, not a clock).
import fs from 'node:fs'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { z } from 'zod'

const server = new McpServer({ name: 'test-stdio', version: '1.2.3' }, { capabilities: { tools: { listChanged: true }, resources: {}, prompts: {} } })
let lastCancelled = false
let listCalls = 0

server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }))
server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
server.registerTool('fail', { description: 'Always reports an error' }, async () => ({ isError: true, content: [{ type: 'text', text: 'the thing went wrong' }] }))
server.registerTool('env', { description: 'Reads an environment variable', inputSchema: { name: z.string() } }, async ({ name }) => ({ content: [{ type: 'text', text: process.env[name] ?? '(unset)' }] }))
server.registerTool('picture', { description: 'Returns text and an image' }, async () => ({
  content: [{ type: 'text', text: 'a red dot' }, { type: 'image', mimeType: 'image/png', data: Buffer.from('not really a png').toString('base64') }],
}))
server.registerTool('slow', { description: 'Waits, unless cancelled', inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
  lastCancelled = false
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    const cancelled = () => {
      lastCancelled = true
      clearTimeout(timer)
      resolve()
    }
    // On a busy machine the cancellation can arrive before this handler runs: the signal is then already aborted.
    if (extra.signal.aborted) return cancelled()
    extra.signal.addEventListener('abort', cancelled, { once: true })
    // Tells a test (through the captured stderr) that the call is under way and can be cancelled now.
    process.stderr.write(`slow: waiting ${ms} ms\n`)
  })
  return { content: [{ type: 'text', text: 'done' }] }
})
server.registerTool('was_cancelled', { description: 'Whether the last slow call was cancelled' }, async () => ({ content: [{ type: 'text', text: String(lastCancelled) }] }))
server.registerTool('list_calls', { description: 'How many times tools/list was asked' }, async () => ({ content: [{ type: 'text', text: String(listCalls) }] }))
server.registerTool('add_tool', { description: 'Registers a new tool at runtime', inputSchema: { name: z.string() } }, async ({ name }) => {
  // Registering after connect sends notifications/tools/list_changed.
  server.registerTool(name, { description: `Added at runtime: ${name}` }, async () => ({ content: [{ type: 'text', text: `${name} ran` }] }))
  return { content: [{ type: 'text', text: 'added' }] }
})
server.registerTool('crash', { description: 'Exits the process' }, async () => {
  process.stderr.write('crashing on purpose\n')
  setTimeout(() => process.exit(3), 10)
  return { content: [{ type: 'text', text: 'bye' }] }
})
server.registerResource('readme', 'test://readme', { description: 'A text resource', mimeType: 'text/plain' }, async (uri) => ({
  contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Read me, please.' }],
}))
server.registerPrompt('review', { description: 'Review a file', argsSchema: { file: z.string() } }, ({ file }) => ({
  messages: [{ role: 'user', content: { type: 'text', text: `Please review ${file}.` } }],
}))

// Count tools/list requests to prove the client does not re-list per call.
const original = server.server._onrequest?.bind(server.server)
if (original) {
  server.server._onrequest = (request, extra) => {
    if (request.method === 'tools/list') listCalls++
    return original(request, extra)
  }
}

process.stderr.write(`test-stdio starting; SECRET_TOKEN is ${process.env.SECRET_TOKEN ? 'set' : 'unset'}\n`)
if (process.env.BANNER === '1') process.stdout.write('Welcome to test-stdio!\n')
const gate = process.env.STARTUP_GATE
if (gate) {
  while (!fs.existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 20))
}
await server.connect(new StdioServerTransport())
