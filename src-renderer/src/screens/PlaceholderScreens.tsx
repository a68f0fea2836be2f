import { ScreenHeader, Upcoming } from '../components/ScreenHeader'

// Providers & Health has its own screen: ./providers/ProvidersScreen.
export { ProvidersScreen } from './providers/ProvidersScreen'
// Agents (hooks and skills) has its own screen: ./agents/AgentsScreen.
export { AgentsScreen } from './agents/AgentsScreen'

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
