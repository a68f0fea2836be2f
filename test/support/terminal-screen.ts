/** What a terminal shows for `text`, line by line: `\r` + erase-line (`\x1b[K`) redraws the current line. */
export function screenOf(text: string): string[] {
  return text.split('\n').map((line) => line.split('\r\x1b[K').at(-1)!)
}
