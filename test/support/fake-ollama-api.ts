/** The loopback fake Ollama API lives under e2e/ (plain erasable TS, shared with the browser tests). */
export * from '../../e2e/fake-ollama-api'
