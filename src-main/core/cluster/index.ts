/**
 * Peers on the LAN: discovery, pairing, links, models on each, model transfer, and the chat pool
 * of peers' Ollama servers. Other folders import from here, never a file inside.
 */
export { ClusterController, ClusterOffError, type ClusterChange, type ClusterControllerOptions } from './controller'
export { ChatHosts, type ChatHostsOptions, type OllamaHostsPort } from './chat-hosts'
export { describeLocalMachine, rdmaProbe, type RdmaProbe } from './local-machine'
export { describeOwnOllama, type OllamaReach } from './ollama-reach'
