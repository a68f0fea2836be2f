import { useCallback, useState } from 'react'
import { useApi } from '../../api/context'
import { OllamaStatusCard } from '../../components/OllamaStatusCard'
import { ScreenHeader } from '../../components/ScreenHeader'
import { LocalModels } from './LocalModels'
import { DetailsDrawer, Recommended, RunningModels } from './ModelPanels'
import { PullPanel } from './PullPanel'
import { usePulls } from '../../store/pull-store'
import { useModelsData } from './use-models-data'

/** Local models: what is installed, what is loaded, pulls in progress, and what to get next. */
export function ModelsScreen() {
  const api = useApi()
  const data = useModelsData()
  const start = usePulls((state) => state.start)
  const [shown, setShown] = useState<string | undefined>()
  const reload = data.reload
  const refresh = useCallback(() => void reload(), [reload])
  const close = useCallback(() => setShown(undefined), [])

  const pull = (name: string) => start(api, name, (ended) => ended.state === 'done' && refresh())

  return (
    <>
      <ScreenHeader
        id="models"
        actions={
          <button type="button" className="button secondary" onClick={refresh} disabled={data.loading}>
            {data.loading ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      />
      <OllamaStatusCard />
      {data.problem ? (
        <section className="card" aria-label="Models unavailable" role="status">
          <h2>Can’t list models</h2>
          <p className="muted">{data.problem.message}</p>
          <p className="hint">{data.problem.hint ?? 'Start Ollama, or change its host in Settings, then refresh.'}</p>
        </section>
      ) : (
        <>
          <PullPanel onPulled={refresh} />
          {data.models && <LocalModels models={data.models} onShow={setShown} onChanged={refresh} />}
          <RunningModels models={data.running} onChanged={refresh} />
        </>
      )}
      {!data.problem && <Recommended models={data.recommended} machine={data.machine} onPull={pull} />}
      {shown && <DetailsDrawer name={shown} onClose={close} />}
    </>
  )
}
