import { BUILTIN_TOOLS } from '../../../../src-shared/contract'
import { ColumnHeaders } from '../../components/ColumnHeaders'
import { EFFECT_LABEL, TOOL_INFO } from './builtin-tools'

/** The tools a model can call in a chat with a workspace folder, and what each can do. */
export function BuiltinToolsTable() {
  return (
    <table className="tools-table" aria-label="Built-in tools">
      <ColumnHeaders columns={['Tool', 'What it does', 'Effect']} />
      <tbody>
        {BUILTIN_TOOLS.map((name) => {
          const info = TOOL_INFO[name]
          return (
            <tr key={name}>
              <th scope="row"><code>{name}</code></th>
              <td>{info.description}</td>
              <td><span className={`effect-chip ${info.effect}`}>{EFFECT_LABEL[info.effect]}</span></td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
