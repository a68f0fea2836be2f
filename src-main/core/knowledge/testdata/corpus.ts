import fs from 'node:fs'
import path from 'node:path'
import { docxWithParagraphs, docxWithoutDocument, passwordProtectedPdf, pdfWithText, pdfWithoutText } from '../../documents/testdata/fixtures'

/** A topic: the facts one file holds, and a question (worded differently) whose answer is in it. */
interface Topic {
  file: string
  facts: string[]
  question: string
}

const TOPICS: Topic[] = [
  { file: 'garden/tomatoes.md', facts: ['Tomatoes need six hours of direct sunlight and deep watering twice a week.', 'Stake tomato vines early so the stems do not snap under fruit.'], question: 'How often should tomatoes get watering?' },
  { file: 'garden/compost.txt', facts: ['Compost heaps break down faster when turned weekly with a fork.', 'Mix green kitchen scraps with brown leaves in equal parts for compost.'], question: 'What ratio of green scraps and brown leaves makes good compost?' },
  { file: 'garden/pests.html', facts: ['Aphids on roses can be washed off with a strong jet of water.', 'Ladybirds eat aphids and are welcome guests in any rose bed.'], question: 'Which insects eat aphids on roses?' },
  { file: 'kitchen/bread.md', facts: ['Sourdough bread rises slowly: let the dough ferment overnight in a cool room.', 'Bake the loaf in a preheated cast iron pot at 250 degrees.'], question: 'At what temperature is the sourdough loaf baked?' },
  { file: 'kitchen/prices.csv', facts: ['item,price,unit', 'saffron,12.50,gram', 'vanilla,3.20,pod', 'cardamom,0.90,gram'], question: 'What is the price of saffron per gram?' },
  { file: 'kitchen/recipes.jsonl', facts: ['{"dish":"risotto","tip":"stir arborio rice constantly and add warm stock one ladle at a time"}', '{"dish":"pancakes","tip":"rest the batter for thirty minutes before frying"}'], question: 'How do I add stock to arborio rice for risotto?' },
  { file: 'code/retry.py', facts: ['def retry_with_backoff(call, attempts=5):', '    """Retries a flaky network call with exponential backoff and jitter."""', '    delay = 0.5'], question: 'Which function retries a flaky network call with exponential backoff?' },
  { file: 'code/server.go', facts: ['// gracefulShutdown drains open connections before the listener closes.', 'func gracefulShutdown(srv *http.Server) error {', '    return srv.Shutdown(context.Background())'], question: 'How does the server drain open connections on shutdown?' },
  { file: 'reports/telescope.pdf', facts: ['The observatory telescope mirror measures 2.4 metres across.', 'Observing nights are booked through the astronomy department.'], question: 'How wide is the observatory telescope mirror?' },
  { file: 'reports/bicycle.docx', facts: ['Bicycle chains should be lubricated every 300 kilometres.', 'Check tyre pressure weekly; road tyres want about 6 bar.'], question: 'How often must a bicycle chain be lubricated?' },
  { file: 'travel/japan.md', facts: ['# Japan trip', '## Trains', 'The rail pass covers shinkansen bullet trains except the fastest nozomi services.', '## Food', 'Ramen shops in Fukuoka serve tonkotsu pork broth.'], question: 'Does the rail pass cover nozomi bullet trains?' },
  { file: 'travel/iceland.txt', facts: ['Iceland ring road driving takes about a week with stops at glaciers and waterfalls.', 'Gas stations are sparse in the eastern fjords: fill the tank early.'], question: 'How long does driving the Iceland ring road take?' },
  { file: 'health/sleep.md', facts: ['Adults need seven to nine hours of sleep; a fixed wake time steadies the circadian rhythm.'], question: 'How many hours of sleep do adults need?' },
  { file: 'health/running.html', facts: ['Beginner runners should increase weekly mileage by no more than ten percent.', 'Interval training alternates sprints with recovery jogs.'], question: 'By how much may beginner runners raise their weekly mileage?' },
  { file: 'finance/budget.csv', facts: ['category,monthly,notes', 'rent,1200,due first of month', 'groceries,450,weekly market', 'insurance,85,annual renewal in march'], question: 'When is the insurance annual renewal?' },
  { file: 'finance/taxes.txt', facts: ['Quarterly estimated taxes are due in April, June, September and January.', 'Keep receipts for deductible home office expenses for seven years.'], question: 'How long should receipts for home office deductions be kept?' },
  { file: 'music/guitar.md', facts: ['Drop D tuning lowers the sixth string of the guitar by a whole step.', 'Capo on the second fret to play in A with G chord shapes.'], question: 'What does drop D tuning do to the sixth guitar string?' },
  { file: 'music/piano.json', facts: ['{"piece":"moonlight sonata","composer":"beethoven","tempo":"adagio sostenuto","key":"c sharp minor"}'], question: 'In which key is the moonlight sonata by beethoven?' },
  { file: 'pets/cats.txt', facts: ['Cats groom themselves for hours; long haired breeds still need brushing to avoid matting.', 'Chocolate and lilies are poisonous to cats.'], question: 'Which flowers are poisonous to cats?' },
  { file: 'pets/aquarium.md', facts: ['Cycle a new aquarium for four weeks so nitrifying bacteria can convert ammonia.', 'Change twenty percent of the aquarium water every week.'], question: 'Why cycle a new aquarium before adding fish?' },
]

function write(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, data)
}

/** The file text for a topic in its format (PDF and DOCX as real documents). */
function render(topic: Topic): string | Uint8Array {
  const ext = path.extname(topic.file)
  if (ext === '.pdf') return pdfWithText(topic.facts)
  if (ext === '.docx') return docxWithParagraphs(topic.facts)
  if (ext === '.html') return `<!doctype html><html><head><title>x</title><style>p{color:red}</style></head><body>${topic.facts.map((f) => `<p>${f}</p>`).join('\n')}<script>var ignored = 'script text'</script></body></html>`
  if (ext === '.md' && !topic.facts[0]!.startsWith('#')) return `# ${path.basename(topic.file, ext)}\n\n${topic.facts.join('\n\n')}\n`
  return topic.facts.join('\n') + '\n'
}

/** Files that must fail, each with its own message, and never stop the others. */
export const BAD_FILES = {
  'broken/scanned.pdf': /no text layer/,
  'broken/locked.pdf': /password-protected/,
  'broken/corrupt.docx': /damaged or not a Word document/,
  'broken/binary.txt': /binary data/,
  'broken/empty.md': /empty|no text/,
} as const

/** Writes the labelled corpus (every format) and the broken files into `dir`; returns the questions. */
export function writeCorpus(dir: string): { question: string; file: string }[] {
  for (const topic of TOPICS) write(path.join(dir, topic.file), render(topic))
  write(path.join(dir, 'broken/scanned.pdf'), pdfWithoutText())
  write(path.join(dir, 'broken/locked.pdf'), passwordProtectedPdf())
  write(path.join(dir, 'broken/corrupt.docx'), docxWithoutDocument())
  write(path.join(dir, 'broken/binary.txt'), Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
  write(path.join(dir, 'broken/empty.md'), '   \n\n')
  write(path.join(dir, 'pictures/photo.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))
  write(path.join(dir, '.hidden/secret.txt'), 'hidden notes are never indexed')
  return TOPICS.map((topic) => ({ question: topic.question, file: path.join(dir, topic.file) }))
}

export const CORPUS_FILES = TOPICS.length
