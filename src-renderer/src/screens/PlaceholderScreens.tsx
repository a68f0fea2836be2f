// Providers & Health has its own screen: ./providers/ProvidersScreen.
export { ProvidersScreen } from './providers/ProvidersScreen'
// Agents (hooks and skills) has its own screen: ./agents/AgentsScreen.
export { AgentsScreen } from './agents/AgentsScreen'
// Tools & MCP (built-in tools and permissions; MCP next) has its own screen: ./tools/ToolsScreen.
export { ToolsScreen } from './tools/ToolsScreen'
