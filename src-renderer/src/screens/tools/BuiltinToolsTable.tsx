import { BUILTIN_TOOLS } from '../../../../src-shared/contract'
import { EFFECT_LABEL, TOOL_INFO } from './builtin-tools'

/** The tools a model can call in a chat with a workspace folder, and what each can do. */
export function BuiltinToolsTable() {
  return (
    <table className="tools-table" aria-label="Built-in tools">
      <thead>
        <tr>
          <th scope="col">Tool</th>
          <th scope="col">What it does</th>
          <th scope="col">Effect</th>
        </tr>
      </thead>
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
