import { ScreenHeader } from '../../components/ScreenHeader'

/** Peers on the LAN, the links to each with measured bandwidth, their models, pairing and model transfer. */
export function ClusterScreen() {
  return <ScreenHeader id="cluster" />
}
