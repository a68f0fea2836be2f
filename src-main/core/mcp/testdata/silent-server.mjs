// Reads stdin and never answers, not even when stdin closes: only a signal ends it.
process.stdin.resume()
process.stdin.on('end', () => {})
setInterval(() => {}, 1000)
