import { OllamaStatusCard } from '../components/OllamaStatusCard'
import { ScreenHeader, Upcoming } from '../components/ScreenHeader'

export function ChatScreen() {
  return (
    <>
      <ScreenHeader id="chat" />
      <OllamaStatusCard />
      <Upcoming
        title="Streaming chat is next"
        points={[
          'Ollama, Anthropic, OpenAI (Chat and Responses), Gemini, Hugging Face, any OpenAI-compatible server and local GGUF files',
          'Markdown with code highlighting, stop, regenerate, edit and resend, image attachments',
          'Token, cost and speed for every reply, with automatic fallback when a provider fails',
        ]}
      />
    </>
  )
}

export function SessionsScreen() {
  return (
    <>
      <ScreenHeader id="sessions" />
      <Upcoming
        title="Your history will live here"
        points={[
          'Every chat kept in an embedded SQLite store that survives crashes and updates',
          'Instant full-text search with highlighted snippets, filters, tags, pins and archive',
          'Import from ollama-cli and ChatGPT exports; export to Markdown, JSON and HTML',
        ]}
      />
    </>
  )
}

export function ModelsScreen() {
  return (
    <>
      <ScreenHeader id="models" />
      <OllamaStatusCard />
      <Upcoming
        title="Model management is next"
        points={[
          'One-click Ollama install on Windows, macOS and Linux, with a verified download',
          'Pull models with per-layer progress, cancel and resume; delete, inspect and unload',
          'Recommendations that fit this machine’s memory and disk',
        ]}
      />
    </>
  )
}

export function ProvidersScreen() {
  return (
    <>
      <ScreenHeader id="providers" />
      <Upcoming
        title="Providers and their health"
        points={[
          'Add cloud and local providers; keys stay in the system keychain',
          'A fallback chain you order yourself, with circuit breakers and retries',
          'Live latency, tokens per second, error rate and spend per provider',
        ]}
      />
    </>
  )
}

export function AgentsScreen() {
  return (
    <>
      <ScreenHeader id="agents" />
      <Upcoming
        title="Agents, hooks and skills"
        points={[
          'Lifecycle hooks and reusable skills',
          'Multi-agent chains with progress you can follow and cancel',
          'Nothing touches your machine without asking first',
        ]}
      />
    </>
  )
}

export function ToolsScreen() {
  return (
    <>
      <ScreenHeader id="tools" />
      <Upcoming
        title="Tools and MCP servers"
        points={[
          'Built-in tools with permission prompts',
          'MCP servers over stdio and streamable HTTP, with approval',
          'Import your Claude Desktop MCP configuration',
        ]}
      />
    </>
  )
}
