import { ScreenHeader, Upcoming } from '../components/ScreenHeader'

// Providers & Health has its own screen: ./providers/ProvidersScreen.
export { ProvidersScreen } from './providers/ProvidersScreen'

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
