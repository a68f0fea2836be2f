import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { listenOnLoopback } from '../test/support/loopback-server.ts'
import { eventually, openAppWithFakes, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * How replies read: KaTeX math, Mermaid diagrams (and their failures), sandboxed HTML/SVG
 * previews and long user messages that collapse, in Chromium against the real web companion with
 * the loopback Ollama fake. Then the security test: hostile replies whose every trick would either
 * log "PWNED" to the console or call a loopback sentinel server; nothing may run, call or navigate.
 */
let app: OpenAppWithFakes
let fakes: ProviderFakes
let page: Page
let sentinel: { url: string; hits: string[]; close(): Promise<void> }
const consoleLines: string[] = []
/** Every request the page or its frames started, and how it ended (a response's status, or the browser's reason for failing it). */
const pageRequests: { url: string; ended?: string }[] = []

const messages = () => page.getByRole('log', { name: 'Messages' })

async function startSentinel(): Promise<typeof sentinel> {
  const hits: string[] = []
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' })
    res.end('sentinel')
  })
  const { port, close } = await listenOnLoopback(server)
  return { url: `http://127.0.0.1:${port}`, hits, close }
}

let replies = 0

/** Starts a new chat, sends `prompt` and waits for the scripted reply (marked "Reply N." to find it) to finish. */
async function reply(prompt: string, text: string[]): Promise<Locator> {
  const marker = `Reply ${++replies}.`
  await fakes.control({ target: 'ollama', script: [{ text: [`${marker}\n\n`, ...text] }] })
  // A chat of its own (an empty Chat screen has no New chat button: it is a new chat already).
  const newChat = page.getByRole('button', { name: 'New chat' }).first()
  if (await newChat.isVisible()) await newChat.click()
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt)
  await page.getByRole('button', { name: 'Send' }).click()
  const article = messages().getByRole('article', { name: /^Assistant/ }).filter({ hasText: marker })
  await article.waitFor()
  await page.getByRole('button', { name: 'Send' }).waitFor()
  await eventually(async () => (await article.getAttribute('aria-busy')) !== 'true', 'the reply finished')
  return article
}

/** The four looks a screen is checked in: 1280×800 and 1024×700, light and dark. */
const shootAll = (target: Locator, name: string, ready?: () => Promise<void>): Promise<void> => shootLooks(page, name, { scrollTo: target, prepare: ready })

before(async () => {
  sentinel = await startSentinel()
  app = await openAppWithFakes({
    page: { viewport: { width: 1280, height: 800 } },
    onPage: (opened) => {
      opened.on('console', (message) => consoleLines.push(message.text()))
      opened.on('request', (request) => pageRequests.push({ url: request.url() }))
      const end = (url: string, how: string): void => {
        const entry = pageRequests.find((request) => request.url === url && request.ended === undefined)
        if (entry) entry.ended = how
      }
      opened.on('response', (response) => end(response.url(), `status ${response.status()}`))
      opened.on('requestfailed', (request) => end(request.url(), `failed ${request.failure()?.errorText ?? ''}`))
    },
  })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
  await sentinel?.close()
})

describe('reading replies', () => {
  test('math in all four delimiters renders with KaTeX', async () => {
    const message = await reply('Some maths please', [
      'Inline $E = mc^2$ and \\(a^2 + b^2 = c^2\\).\n\n',
      '$$\n\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}\n$$\n\n',
      'And a matrix:\n\\[\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}\\]\n',
    ])
    await eventually(async () => (await message.locator('.katex').count()) === 4, 'four formulas rendered')
    assert.equal(await message.locator('.katex-display').count(), 2)
    assert.doesNotMatch(await message.innerText(), /\\\(|\$\$/)
    // KaTeX's own fonts, from the app (never a CDN), are in use.
    await eventually(() => page.evaluate(() => document.fonts.check('16px KaTeX_Main')), 'the KaTeX fonts loaded')
    await shootAll(message, 'chat-render-math')
  })

  test('a Mermaid block is drawn as a diagram, with its source a tab away', async () => {
    const message = await reply('Draw the flow', ['Here is the flow:\n\n', '```mermaid\n', 'flowchart LR\n', '  A[Write prompt] --> B{Model}\n', '  B -->|local| C[Ollama]\n', '  B -->|cloud| D[OpenAI]\n', '  C --> E[Reply]\n  D --> E\n', '```\n'])
    const diagram = message.getByRole('img', { name: 'Mermaid diagram' })
    await diagram.waitFor()
    await eventually(() => diagram.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100), 'the diagram image decoded')
    await shootAll(message, 'chat-render-mermaid', () => diagram.waitFor())
    await message.getByRole('tab', { name: 'Source' }).click()
    assert.match(await message.locator('pre[data-lang="mermaid"]').innerText(), /A\[Write prompt\] --> B\{Model\}/)
    assert.equal(await diagram.count(), 0)
    await message.getByRole('tab', { name: 'Diagram' }).click()
    await diagram.waitFor()
  })

  test('a Mermaid block that cannot be drawn shows its source and the error', async () => {
    const message = await reply('Draw a broken one', ['```mermaid\n', 'flowchart TD\n', '  A --> B -->\n', '  oops ((\n', '```\n'])
    await message.getByText(/Mermaid could not draw this diagram: \S/).waitFor()
    assert.match(await message.locator('pre[data-lang="mermaid"]').innerText(), /oops \(\(/)
    assert.equal(await message.getByRole('img', { name: 'Mermaid diagram' }).count(), 0)
    await shootAll(message, 'chat-render-mermaid-error')
  })

  test('an HTML block previews in a sandboxed frame', async () => {
    const message = await reply('Make a card', ['```html\n', '<div style="font:16px sans-serif;padding:16px;border:2px solid #4f7cff;border-radius:12px">\n', '  <h2 style="margin:0 0 8px">Preview card</h2>\n', '  <p>Rendered in a <b>sandboxed</b> frame.</p>\n', '</div>\n', '```\n'])
    await message.getByRole('tab', { name: 'Preview' }).click()
    const frame = message.locator('iframe[title="HTML preview"]')
    assert.equal(await frame.getAttribute('sandbox'), '')
    await message.frameLocator('iframe[title="HTML preview"]').getByRole('heading', { name: 'Preview card' }).waitFor()
    await shootAll(message, 'chat-render-html-preview')
  })

  test('a long message of the user collapses with Show more / Show less', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long pasted log`).join('\n')
    await reply(long, ['Thanks, that is a long one.'])
    const mine = messages().getByRole('article', { name: /^You/ }).last()
    const more = mine.getByRole('button', { name: 'Show more' })
    const clipped = await mine.locator('.collapsible-body').evaluate((body) => body.clientHeight)
    assert.ok(clipped < 400, `collapsed to ${clipped}px`)
    await shootAll(mine, 'chat-render-collapsed')
    await more.click()
    const open = await mine.locator('.collapsible-body').evaluate((body) => body.clientHeight)
    assert.ok(open > clipped * 2, `expanded from ${clipped}px to ${open}px`)
    await mine.getByRole('button', { name: 'Show less' }).click()
    await mine.getByRole('button', { name: 'Show more' }).waitFor()
  })
})

describe('hostile replies', () => {
  test('nothing in a reply runs, calls out or navigates', async () => {
    const s = sentinel.url
    const hostile = [
      `Hi <script>console.log('PWNED script');fetch('${s}/script')</script>\n\n`,
      `<img src=x onerror="console.log('PWNED onerror');fetch('${s}/onerror')">\n\n`,
      `[click me](javascript:console.log('PWNED-link');fetch('${s}/js-link')) and [data](data:text/html,<script>console.log('PWNED-data')</script>)\n\n`,
      `<svg onload="console.log('PWNED svg-onload')"><script>fetch('${s}/inline-svg')</script></svg>\n\n`,
      `![tracker](${s}/markdown-image.png)\n\n`,
      '```svg\n',
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="console.log('PWNED svg-preview');fetch('${s}/svg-onload')"><script>console.log('PWNED svg-script');fetch('${s}/svg-script')</script><image href="${s}/svg-image.png" width="10" height="10"/><rect width="120" height="60" fill="#4f7cff"/><a href="${s}/svg-link"><text x="10" y="35" fill="#fff">svg link</text></a></svg>\n`,
      '```\n\n',
      '```html\n',
      `<meta http-equiv="refresh" content="0;url=${s}/refresh"><link rel="stylesheet" href="${s}/style.css"><h3 id="hostile">Hostile HTML</h3><img src="${s}/html-image.png"><script>console.log('PWNED html-script');parent.postMessage('PWNED','*');fetch('${s}/html-script')</script><a id="out" href="${s}/html-link">out</a><form action="${s}/form"><button id="go">go</button></form><iframe src="${s}/nested"></iframe>\n`,
      '```\n\n',
      '```mermaid\n',
      'flowchart LR\n',
      '  A[Start] --> B[Next]\n',
      `  click A callback "PWNED tooltip"\n`,
      `  click B "javascript:console.log('PWNED-mermaid')"\n`,
      `  A --> C["<img src=x onerror=console.log('PWNED-label')>"]\n`,
      `  click C href "${s}/mermaid-href"\n`,
      '```\n\n',
      `$\\href{javascript:console.log('PWNED-katex')}{katex link}$ and $\\url{${s}/katex-url}$ and $\\includegraphics{${s}/katex.png}$\n`,
    ]
    const message = await reply('Try everything', hostile)
    const appUrl = page.url()
    // The raw markup shows as nothing (skipped), never as elements.
    assert.equal(await message.locator('script, svg[onload], [onerror], iframe').count(), 0)
    assert.equal(await message.locator('a[href^="javascript:"], a[href^="data:"]').count(), 0)
    await message.getByText('click me').click()
    assert.equal(await message.getByRole('link', { name: 'click me' }).count(), 0)
    // Mermaid draws (strict: its click lines are ignored) as an image; clicking it does nothing.
    const diagram = message.getByRole('img', { name: 'Mermaid diagram' })
    await diagram.waitFor()
    await diagram.click()
    // Both previews, and a click on every link inside them.
    const svgBlock = message.locator('.code-block[data-kind="svg"]')
    await svgBlock.getByRole('tab', { name: 'Preview' }).click()
    const svgFrame = svgBlock.frameLocator('iframe[title="SVG preview"]')
    // The SVG is drawn (as an image, so its script, handlers, link and <image> do nothing); click it anyway.
    const svgImage = svgFrame.getByRole('img', { name: 'SVG image' })
    await eventually(() => svgImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 120), 'the SVG drew')
    await svgImage.click()
    const htmlBlock = message.locator('.code-block[data-kind="html"]')
    await htmlBlock.getByRole('tab', { name: 'Preview' }).click()
    const htmlFrame = htmlBlock.frameLocator('iframe[title="HTML preview"]')
    await htmlFrame.getByRole('heading', { name: 'Hostile HTML' }).waitFor()
    await htmlFrame.locator('#out').click()
    // The form needs allow-forms to submit; it has not got it.
    await htmlBlock.getByRole('tab', { name: 'Code' }).click()
    await htmlBlock.getByRole('tab', { name: 'Preview' }).click()
    await htmlBlock.frameLocator('iframe[title="HTML preview"]').locator('#go').click()
    // A marker request after all of that: once the page has made it, every earlier attempt has had its chance.
    await page.evaluate(() => fetch('/api/ping-after-hostile').catch(() => undefined))
    await eventually(() => pageRequests.some((request) => request.url.includes('/api/ping-after-hostile') && request.ended), 'the marker request went out')
    const toSentinel = () => pageRequests.filter((request) => request.url.startsWith(s))
    await eventually(() => toSentinel().every((request) => request.ended), () => `requests to the sentinel still open: ${JSON.stringify(toSentinel())}`)
    await shootAll(message, 'chat-render-hostile')
    assert.deepEqual(sentinel.hits, [], 'the sentinel server got no request')
    // Chromium may announce a request the frame's CSP then blocks (an SVG <image>): none may get an answer.
    assert.deepEqual(toSentinel().filter((request) => !/^failed (csp|net::ERR_BLOCKED_BY_CSP)$/.test(request.ended ?? '')), [], 'every request towards the sentinel was blocked by the browser')
    assert.deepEqual(consoleLines.filter((line) => line.includes('PWNED')), [], 'no hostile console output')
    assert.equal(page.url(), appUrl, 'the app did not navigate')
    assert.equal(page.context().pages().length, 1, 'no window was opened')
    assert.equal(page.frames().filter((frame) => frame.url().startsWith(s)).length, 0, 'no frame navigated to the sentinel')
    assert.equal(await page.evaluate(() => (window as unknown as { PWNED?: unknown }).PWNED), undefined)
  })
})
