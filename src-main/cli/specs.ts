import type { CommandSpec } from './command'

/** The port `cluster serve` listens on unless told otherwise. */
export const DEFAULT_CLUSTER_PORT = 47811

/**
 * What each command is called, says and takes, without what it does: help, `--version` and
 * completion print from this alone, so they load nothing else (each command module spreads its
 * entry and adds `run`).
 */
export const commandSpecs = {
  hooks: {
    name: 'hooks',
    summary: 'List, test-run and import lifecycle hooks (Claude Code’s format).',
    usage: 'hooks list|test <Event> [--payload file.json]|import claude|ollama-cli|qarin [--workspace DIR]',
    options: [
      { name: 'workspace', type: 'string', summary: 'Also use this workspace’s .ollama-desk/settings.json', values: 'dir' },
      { name: 'payload', type: 'string', summary: 'A JSON payload file for `test` (a sample is used otherwise); the settings file for `import file`' },
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
    ],
  },
  skills: {
    name: 'skills',
    summary: 'List and run skills (folders with a SKILL.md).',
    usage: 'skills list|run <name> [args…] [--workspace DIR]',
    options: [
      { name: 'workspace', type: 'string', summary: 'Also find skills in this workspace', values: 'dir' },
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
    ],
  },
  chat: {
    name: 'chat',
    summary: 'Send a prompt and stream the reply to stdout (stdin is appended to the prompt); -i opens the interactive chat.',
    usage: 'chat [-m provider:model] [--session ID] [--json] "prompt" | chat -i [-m provider:model] [--session ID]',
    options: [
      { name: 'interactive', short: 'i', type: 'boolean', summary: 'Chat in the terminal: streaming replies, /commands, history (also: ollama-desk with no arguments)' },
      { name: 'model', short: 'm', type: 'string', summary: 'provider:model, or auto for the fallback chain (default auto)' },
      { name: 'session', type: 'string', summary: 'Continue this session instead of starting a new one' },
      { name: 'system', type: 'string', summary: 'A system prompt for this request' },
      { name: 'json', type: 'boolean', summary: 'One JSON event per line, then the result' },
    ],
  },
  providers: {
    name: 'providers',
    summary: 'List model providers and test their connection.',
    usage: 'providers list|test <id>',
    options: [{ name: 'json', type: 'boolean', summary: 'Machine-readable output' }],
  },
  doctor: {
    name: 'doctor',
    summary: 'Check the data folder, settings, Ollama and Electron; exits 1 when something is broken.',
    usage: 'doctor [--json] [--bundle [PATH]] [--data-dir DIR]',
    options: [
      { name: 'json', type: 'boolean', summary: 'Print the checks as JSON' },
      { name: 'bundle', type: 'boolean', summary: 'Write a diagnostics zip (logs, redacted config, versions) to PATH or the data folder' },
    ],
  },
  mcp: {
    name: 'mcp',
    summary: 'MCP servers: list, add, remove, test, import (Claude Desktop, ollama-cli, JSON).',
    usage: 'mcp list|add <name> <command|url> [args…]|remove <name>|test <name>|import claude-desktop|ollama-cli|json',
    options: [
      { name: 'env', type: 'string', summary: 'Environment for a stdio server: KEY=VALUE[,KEY=VALUE]' },
      { name: 'secret-env', type: 'string', summary: 'Like --env, kept in the secret store' },
      { name: 'header', type: 'string', summary: 'Headers for an http server: Name=Value[,Name=Value]' },
      { name: 'secret-header', type: 'string', summary: 'Like --header, kept in the secret store (e.g. Authorization)' },
      { name: 'transport', type: 'string', summary: 'http (default for URLs) or sse' },
      { name: 'file', type: 'string', summary: 'The JSON file for `import json`, or the config to read for the others' },
      { name: 'workspace', type: 'string', summary: 'For `import ollama-cli`: the project with .ollama/mcp.json', values: 'dir' },
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
    ],
  },
  models: {
    name: 'models',
    summary: 'List, pull, inspect, unload and delete Ollama models.',
    usage: 'models list|ps|pull <name>|show <name>|unload <name>|rm <name> --yes',
    options: [
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
      { name: 'yes', type: 'boolean', summary: 'Confirm deleting a model' },
    ],
  },
  sessions: {
    name: 'sessions',
    summary: 'List, search, show, export and import saved chats.',
    usage:
      'sessions list|search <text>|show <id>|export <id> [--format markdown|json|html] [--out FILE]|export --all --out FILE.zip [--force]|import <files…> [--discover]|backup|restore <file> [--replace --yes]',
    options: [
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
      { name: 'limit', type: 'string', summary: 'How many sessions to list (default 50)' },
      { name: 'tag', type: 'string', summary: 'Only sessions with this tag' },
      { name: 'trash', type: 'boolean', summary: 'List the sessions in the trash' },
      { name: 'format', type: 'string', summary: 'Export format', values: ['markdown', 'json', 'html'] },
      { name: 'out', type: 'string', summary: 'Write the export to this file' },
      { name: 'discover', type: 'boolean', summary: 'Import every ollama-cli session found in the home folder' },
      { name: 'all', type: 'boolean', summary: 'Export every session into one zip (with --out)' },
      { name: 'force', type: 'boolean', summary: 'Let export --all replace an existing zip' },
      { name: 'replace', type: 'boolean', summary: 'Restore by replacing the history instead of merging (needs --yes)' },
      { name: 'yes', type: 'boolean', summary: 'Confirm a replacing restore' },
    ],
  },
  serve: {
    name: 'serve',
    summary: 'Serve the Ollama Desk interface in your browser (web companion, 127.0.0.1 only).',
    usage: 'serve [--port N] [--no-open] [--data-dir DIR]',
    options: [
      { name: 'port', type: 'string', summary: 'Port to listen on (default: the saved setting, 47800; 0 picks a free one)' },
      { name: 'host', type: 'string', summary: 'Address to bind (default 127.0.0.1)' },
      { name: 'allow-lan', type: 'boolean', summary: 'Allow binding to a non-loopback address' },
      { name: 'allow-host', type: 'string', summary: 'In LAN mode, also answer to these names (comma-separated)' },
      { name: 'open', type: 'boolean', summary: 'Open the browser (default; --no-open to skip)' },
      { name: 'persist-token', type: 'boolean', summary: 'Reuse one stored token across launches' },
    ],
  },
  cluster: {
    name: 'cluster',
    summary: 'Pair with other Ollama Desk machines and copy models between them.',
    usage: 'cluster peers | pair <address> <code> | unpair <peer> | allow-models <peer> | deny-models <peer> | send-model <model> <peer> | serve [--port N] [--host H]',
    options: [
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
      { name: 'port', type: 'string', summary: `Port for \`cluster serve\` (default ${DEFAULT_CLUSTER_PORT}; 0 picks a free one)` },
      { name: 'host', type: 'string', summary: 'Interface name (eth0, en0) or address for `cluster serve` to listen on (default: every interface)' },
      { name: 'name', type: 'string', summary: 'How other machines list this one (default: the host name)' },
      { name: 'models-dir', type: 'string', summary: 'Ollama models folder (default: OLLAMA_MODELS or ~/.ollama/models)', values: 'dir' },
    ],
  },
  ollama: {
    name: 'ollama',
    summary: 'Install, start, stop and uninstall Ollama; `status` shows what is there.',
    usage: 'ollama status|install|start|stop|uninstall [--host HOST] [--base-url URL] [--service auto|systemd|process]',
    options: [
      { name: 'host', type: 'string', summary: 'Ollama host (default OLLAMA_HOST or 127.0.0.1:11434)' },
      { name: 'base-url', type: 'string', summary: 'Release address (a mirror); default the GitHub release' },
      { name: 'service', type: 'string', summary: 'How to run Ollama: a systemd user unit, a background process, or auto', values: ['auto', 'systemd', 'process'] },
      { name: 'force', type: 'boolean', summary: 'Install even when Ollama is already here' },
      { name: 'json', type: 'boolean', summary: 'status: print JSON' },
    ],
  },
  kb: {
    name: 'kb',
    summary: 'Knowledge bases: index folders and files, then search them (chats use them when attached).',
    usage: 'kb list|create <name> [--provider ID --model M]|add <id> <path> [--watch]|sync <id>|search <id>[,<id>…] <question>|rm <id>',
    options: [
      { name: 'provider', type: 'string', summary: 'create: the provider id whose embedding model makes the vectors' },
      { name: 'model', type: 'string', summary: 'create: the embedding model (e.g. nomic-embed-text)' },
      { name: 'watch', type: 'boolean', summary: 'add: re-index the folder when it changes (while the app runs)' },
      { name: 'json', type: 'boolean', summary: 'Machine-readable output' },
    ],
  },
  rdma: {
    name: 'rdma',
    summary: 'RDMA devices on this machine (InfiniBand, RoCE, iWARP, Thunderbolt) and a bandwidth check.',
    usage: 'rdma devices|bench [--json]',
    options: [{ name: 'json', type: 'boolean', summary: 'Machine-readable output' }],
  },
  completion: {
    name: 'completion',
    summary: 'Print a shell completion script (bash, zsh or fish).',
    usage: 'completion bash|zsh|fish',
    options: [],
  },
} satisfies Record<string, CommandSpec>
