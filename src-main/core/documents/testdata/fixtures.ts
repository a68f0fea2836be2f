// Small real documents built in memory for the tests: a PDF with a text layer, the same PDF locked
// with a user password, and a Word document. Nothing here is mocked: the real readers open them.
import { strToU8, zipSync } from 'fflate'

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff)

/** A one-object-per-entry PDF with a correct cross-reference table. */
function assemblePdf(objects: string[], trailerExtra = ''): Uint8Array {
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(body.length)
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`
  return latin1(body)
}

const escapePdf = (text: string): string => text.replace(/[\\()]/g, (ch) => `\\${ch}`)

function pageObjects(lines: string[]): string[] {
  const stream = ['BT', '/F1 12 Tf', '72 720 Td', '14 TL', ...lines.map((line) => `(${escapePdf(line)}) '`), 'ET'].join('\n')
  return [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ]
}

/** A one-page PDF whose text layer holds these lines. */
export function pdfWithText(lines: string[]): Uint8Array {
  return assemblePdf(pageObjects(lines))
}

/** A one-page PDF with no text at all (what a scan without OCR looks like to a reader). */
export function pdfWithoutText(): Uint8Array {
  const objects = pageObjects([])
  objects[4] = '<< /Length 0 >>\nstream\n\nendstream'
  return assemblePdf(objects)
}

/**
 * A PDF under the standard security handler whose user password is not empty: its /U check value
 * does not match the empty password, so a reader must ask for one.
 */
export function passwordProtectedPdf(): Uint8Array {
  const hex = (seed: number): string => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) & 0xff).toString(16).padStart(2, '0')).join('')
  const objects = [...pageObjects(['Secret figures']), `<< /Filter /Standard /V 1 /R 2 /O <${hex(11)}> /U <${hex(97)}> /P -44 >>`]
  return assemblePdf(objects, `/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] `)
}

const escapeXml = (text: string): string => text.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch] ?? ch)

/** A minimal Word document (.docx): the three parts Word itself needs, one paragraph per line. */
export function docxWithParagraphs(paragraphs: string[]): Uint8Array {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('')
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
  })
}

/** A zip that claims to be a .docx but holds no document part (a damaged or renamed file). */
export function docxWithoutDocument(): Uint8Array {
  return zipSync({ 'readme.txt': strToU8('not a word document') })
}
