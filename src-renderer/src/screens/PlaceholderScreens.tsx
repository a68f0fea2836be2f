import { ScreenHeader, Upcoming } from '../components/ScreenHeader'

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
