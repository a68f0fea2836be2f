import { DocumentError } from './errors'

/** The text of a PDF, pages joined by blank lines (see pdfPages). */
export async function pdfText(name: string, data: Uint8Array): Promise<string> {
  return (await pdfPages(name, data)).map((page) => page.trim()).filter((page) => page !== '').join('\n\n')
}

/** The text of each page of a PDF (index 0 is page 1), through unpdf (PDF.js built for servers); loaded on first use. */
export async function pdfPages(name: string, data: Uint8Array): Promise<string[]> {
  const { getDocumentProxy, extractText } = await import('unpdf')
  let pdf
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(data), { useSystemFonts: false, stopAtErrors: false, verbosity: 0 })
  } catch (error) {
    const kind = (error as { name?: string } | null)?.name
    if (kind === 'PasswordException') {
      throw new DocumentError('encrypted', `${name}: this PDF is password-protected, so its text cannot be read.`, 'Open it in a PDF reader, remove the password (or print it to a new PDF), and attach that copy.', error)
    }
    throw new DocumentError('corrupt', `${name} is damaged or not really a PDF: ${(error as Error).message || 'it could not be opened'}.`, 'Try opening it in a PDF reader and saving a new copy.', error)
  }
  try {
    const { text } = await extractText(pdf, { mergePages: false })
    return text
  } finally {
    await pdf.loadingTask.destroy()
  }
}

/** The text of a Word document (.docx) through mammoth: paragraphs, lists and tables as plain lines. */
export async function docxText(name: string, data: Uint8Array): Promise<string> {
  const mammoth = await import('mammoth')
  const extract = (mammoth as unknown as { default?: typeof mammoth }).default?.extractRawText ?? mammoth.extractRawText
  try {
    const result = await extract({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })
    return result.value.replace(/\n{3,}/g, '\n\n').trim()
  } catch (error) {
    throw new DocumentError('corrupt', `${name} is damaged or not a Word document (.docx), so its text cannot be read.`, 'Open it in Word or LibreOffice and save it again as .docx; old .doc files need converting.', error)
  }
}
