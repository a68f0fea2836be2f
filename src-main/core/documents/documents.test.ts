import { describe, expect, it } from 'vitest'
import { DocumentError, DocumentTextCache, documentBlock, documentKind, extractDocument, MAX_DOCUMENT_BYTES, type DocumentProblem } from './index'
import { docxWithoutDocument, docxWithParagraphs, passwordProtectedPdf, pdfWithoutText, pdfWithText } from './testdata/fixtures'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

async function refusal(promise: Promise<unknown>): Promise<DocumentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DocumentError)
  return error as DocumentError
}

const expectProblem = async (promise: Promise<unknown>, problem: DocumentProblem, message: RegExp): Promise<void> => {
  const error = await refusal(promise)
  expect(error.problem).toBe(problem)
  expect(error.message).toMatch(message)
}

describe('extractDocument reads each kind of document', () => {
  it('reads the text layer of a PDF', async () => {
    const doc = await extractDocument({ name: 'report.pdf', mime: 'application/pdf', data: pdfWithText(['Quarterly revenue grew 12 percent', 'Costs (net) fell']) })
    expect(doc.kind).toBe('pdf')
    expect(doc.text).toContain('Quarterly revenue grew 12 percent')
    expect(doc.text).toContain('Costs (net) fell')
    expect(doc.tokens).toBe(Math.ceil(doc.text.length / 4))
  })

  it('reads the paragraphs of a Word document', async () => {
    const doc = await extractDocument({ name: 'minutes.docx', mime: '', data: docxWithParagraphs(['Attendees: Ada & Grace', 'Decision: ship <on Friday>']) })
    expect(doc.kind).toBe('docx')
    expect(doc.text).toBe('Attendees: Ada & Grace\n\nDecision: ship <on Friday>')
  })

  it('keeps text, code, Markdown, CSV and JSON exactly as written', async () => {
    const cases = [
      ['notes.txt', 'text/plain', 'plain words\nsecond line', 'text'],
      ['main.py', '', 'def f():\n    return "é"\n', 'code'],
      ['README.md', 'text/markdown', '# Title\n\n- item', 'markdown'],
      ['sales.csv', 'text/csv', 'region,total\nnorth,12\nsouth,7\n', 'csv'],
      ['config.json', 'application/json', '{"a": [1, 2]}', 'json'],
    ] as const
    for (const [name, mime, text, kind] of cases) {
      const doc = await extractDocument({ name, mime, data: utf8(text) })
      expect(doc).toMatchObject({ name, kind, text })
    }
  })

  it('reads HTML as its visible text: scripts, styles and comments are dropped, entities decoded', async () => {
    const html = '<html><head><title>t</title><style>p{color:red}</style></head><body><script>alert("x")</script><h1>Plan &amp; budget</h1><!-- hidden --><p>Step&nbsp;one</p><ul><li>a &lt; b</li><li>&#233;t&#xE9;</li></ul></body></html>'
    const doc = await extractDocument({ name: 'page.html', mime: 'text/html', data: utf8(html) })
    expect(doc.kind).toBe('html')
    expect(doc.text).toBe('Plan & budget\n\nStep one\n\na < b\n\nété')
    expect(doc.text).not.toMatch(/alert|color|hidden/)
  })

  it('reads UTF-16 text with its byte-order mark (which holds NUL bytes)', async () => {
    const data = new Uint8Array([0xff, 0xfe, ...[...'hi ✓'].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8])])
    expect((await extractDocument({ name: 'win.txt', mime: 'text/plain', data })).text).toBe('hi ✓')
  })
})

describe('extractDocument refuses bad files with a specific message', () => {
  it('a password-protected PDF', async () => {
    await expectProblem(extractDocument({ name: 'locked.pdf', mime: 'application/pdf', data: passwordProtectedPdf() }), 'encrypted', /^locked\.pdf: this PDF is password-protected/)
  })

  it('a file called .pdf that is not a PDF', async () => {
    await expectProblem(extractDocument({ name: 'fake.pdf', mime: 'application/pdf', data: utf8('just some words, no PDF header') }), 'corrupt', /^fake\.pdf is damaged or not really a PDF/)
  })

  it('a PDF with no text layer', async () => {
    await expectProblem(extractDocument({ name: 'scan.pdf', mime: 'application/pdf', data: pdfWithoutText() }), 'no-text', /scan\.pdf has no text layer/)
  })

  it('a corrupt DOCX: random bytes, and a zip without the document part', async () => {
    await expectProblem(extractDocument({ name: 'broken.docx', mime: '', data: utf8('PK garbage that is not a zip') }), 'corrupt', /^broken\.docx is damaged or not a Word document/)
    await expectProblem(extractDocument({ name: 'empty-zip.docx', mime: '', data: docxWithoutDocument() }), 'corrupt', /^empty-zip\.docx is damaged/)
  })

  it('a binary file renamed .txt: NUL bytes, or mostly invalid UTF-8', async () => {
    await expectProblem(extractDocument({ name: 'photo.txt', mime: 'text/plain', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]) }), 'binary', /^photo\.txt is not a text file/)
    const invalid = Uint8Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0xc3 : 0x41 + (i % 20)))
    await expectProblem(extractDocument({ name: 'blob.txt', mime: 'text/plain', data: invalid }), 'binary', /binary data/)
  })

  it('a few stray invalid bytes in a long text are kept as text', async () => {
    const data = new Uint8Array([...utf8('a'.repeat(1000)), 0xff, ...utf8('b')])
    expect((await extractDocument({ name: 'mostly.txt', mime: 'text/plain', data })).text).toHaveLength(1002)
  })

  it('a file over the 50 MB limit, stated in the message, without reading it', async () => {
    const error = await refusal(extractDocument({ name: 'huge.csv', mime: 'text/csv', data: new Uint8Array(MAX_DOCUMENT_BYTES + 1) }))
    expect(error.problem).toBe('too-large')
    expect(error.code).toBe('E_PAYLOAD_TOO_LARGE')
    expect(error.message).toBe('huge.csv is 50.0 MB; attachments are limited to 50 MB.')
  })

  it('an empty file, and one with only whitespace', async () => {
    await expectProblem(extractDocument({ name: 'nothing.md', mime: '', data: new Uint8Array(0) }), 'empty', /^nothing\.md is empty \(0 bytes\)/)
    await expectProblem(extractDocument({ name: 'blank.txt', mime: '', data: utf8(' \n\t\n') }), 'empty', /^blank\.txt has no text in it/)
  })

  it('a type no reader understands, and a picture', async () => {
    await expectProblem(extractDocument({ name: 'archive.zip', mime: 'application/zip', data: utf8('PK') }), 'unsupported', /application\/zip.*cannot be read as text/)
    await expectProblem(extractDocument({ name: 'cat.png', mime: 'image/png', data: utf8('x') }), 'unsupported', /is a picture/)
  })
})

describe('documentKind and documentBlock', () => {
  it('decides by extension first, then by type', () => {
    expect(documentKind('a.PDF', '')).toBe('pdf')
    expect(documentKind('Dockerfile', '')).toBe('code')
    expect(documentKind('x.unknownext', 'text/x-weird')).toBe('text')
    expect(documentKind('movie.mp4', 'video/mp4')).toBeUndefined()
  })

  it('fences the text under the file name, with a fence longer than any inside', () => {
    expect(documentBlock({ name: 'sales.csv', kind: 'csv', text: 'a,b\n1,2' })).toBe('File: sales.csv\n```csv\na,b\n1,2\n```')
    expect(documentBlock({ name: 'n.md', kind: 'markdown', text: 'x\n````\ny' })).toBe('File: n.md\n`````markdown\nx\n````\ny\n`````')
  })
})

describe('DocumentTextCache', () => {
  it('extracts once per file and forgets the oldest beyond its character budget', async () => {
    const cache = new DocumentTextCache(10)
    let reads = 0
    const read = (text: string) => async () => {
      reads++
      return { name: 'f.txt', kind: 'text' as const, text, tokens: 1 }
    }
    await cache.getOrExtract('a', read('123456'))
    await cache.getOrExtract('a', read('123456'))
    expect(reads).toBe(1)
    await cache.getOrExtract('b', read('abcdef'))
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')?.text).toBe('abcdef')
  })
})
