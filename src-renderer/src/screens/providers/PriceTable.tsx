import { useEffect, useState } from 'react'
import type { ErrorShape, PriceEntry } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ColumnHeaders } from '../../components/ColumnHeaders'

interface Row {
  match: string
  input: string
  output: string
}

const toRow = (entry: PriceEntry): Row => ({ match: entry.match, input: String(entry.inputPerMTok), output: String(entry.outputPerMTok) })

/** Shipped prices (with their date) and the user's own, which win. */
export function PriceTable() {
  const api = useApi()
  const [defaults, setDefaults] = useState<PriceEntry[]>([])
  const [date, setDate] = useState('')
  const [rows, setRows] = useState<Row[]>([])
  const [problem, setProblem] = useState<ErrorShape | string | undefined>()
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    void api.call('pricing.get', {}).then((result) => {
      if (!result.ok) return setProblem(result.error)
      setDefaults(result.value.defaults)
      setDate(result.value.defaultsDate)
      setRows(result.value.overrides.map(toRow))
    })
  }, [api])

  const edit = (i: number, change: Partial<Row>): void => {
    setSaved(false)
    setRows((all) => all.map((row, j) => (j === i ? { ...row, ...change } : row)))
  }

  const save = async (): Promise<void> => {
    const overrides: PriceEntry[] = []
    for (const row of rows) {
      const input = Number(row.input)
      const output = Number(row.output)
      if (!row.match.trim()) return setProblem('Every price needs a model pattern, like openai:gpt-4o-mini.')
      if (!(input >= 0) || !(output >= 0) || row.input.trim() === '' || row.output.trim() === '') return setProblem(`Prices for ${row.match} must be amounts of $0 or more.`)
      overrides.push({ match: row.match.trim(), inputPerMTok: input, outputPerMTok: output })
    }
    const result = await api.call('pricing.update', { overrides })
    if (!result.ok) return setProblem(result.error)
    setProblem(undefined)
    setRows(result.value.overrides.map(toRow))
    setSaved(true)
  }

  return (
    <section className="card" aria-labelledby="prices-title">
      <h2 id="prices-title">Prices per million tokens</h2>
      <p className="hint">Shipped prices are from {date || '…'}. Your own prices win over them; patterns are kind:model, with * as a wildcard.</p>
      <table className="mini-table price-table" aria-label="Your prices">
        <ColumnHeaders columns={['Model pattern', 'Input $', 'Output $', <span className="sr-only">Actions</span>]} />
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td><input aria-label={`Pattern ${i + 1}`} value={row.match} onChange={(event) => edit(i, { match: event.target.value })} /></td>
              <td><input aria-label={`Input price ${i + 1}`} inputMode="decimal" value={row.input} onChange={(event) => edit(i, { input: event.target.value })} /></td>
              <td><input aria-label={`Output price ${i + 1}`} inputMode="decimal" value={row.output} onChange={(event) => edit(i, { output: event.target.value })} /></td>
              <td><button type="button" className="icon-button" aria-label={`Remove price ${i + 1}`} onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {problem && <p className="field-error" role="alert">{typeof problem === 'string' ? problem : problem.message}</p>}
      <div className="form-actions">
        <button type="button" className="button secondary" onClick={() => setRows((all) => [...all, { match: '', input: '', output: '' }])}>Add a price</button>
        <button type="button" className="button" onClick={() => void save()}>Save prices</button>
        {saved && <span className="hint" role="status">Saved.</span>}
      </div>
      <details>
        <summary>Shipped prices ({defaults.length})</summary>
        <table className="mini-table" aria-label="Shipped prices">
          <ColumnHeaders columns={['Model pattern', 'Input $', 'Output $']} />
          <tbody>
            {defaults.map((entry) => (
              <tr key={entry.match}><th scope="row">{entry.match}</th><td>{entry.inputPerMTok}</td><td>{entry.outputPerMTok}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}
