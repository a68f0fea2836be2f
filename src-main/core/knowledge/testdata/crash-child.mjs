// Child process for service.test.ts: indexes a folder through the fake embeddings server and
// prints a line for every file done, until the parent SIGKILLs it.
import '../../sessions/testdata/ts-hooks.mjs'

const { KnowledgeService } = await import('../service.ts')
const [dataDir, baseId, embedUrl] = process.argv.slice(2)
const service = new KnowledgeService({ dataDir })
service.setEndpoints({ local: { kind: 'ollama', baseUrl: embedUrl } })
service.onEvent((event) => {
  if (event.job.progress) process.stdout.write(`done ${event.job.progress.done}\n`)
})
service.sync(baseId)
await service.settled(baseId)
process.stdout.write('finished\n')
