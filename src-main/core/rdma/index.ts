/** Byte transports between Ollama Desk instances (TCP everywhere, RDMA where a device links two machines) and link detection. */
export type { LinkKind, Transport, TransportChannel, TransportListener } from './transport'
export { TcpChannel, TcpTransport, TCP_HIGH_WATER_MARK, formatTcpAddress, parseTcpAddress, toNetworkError, type TcpSocketOptions, type TcpTransportOptions } from './tcp-transport'
export { RdmaChannel, RdmaCompletionError, RdmaTransport, RDMA_DEFAULT_RING, parseRdmaAddress, type RdmaTransportOptions, type Ring } from './rdma-transport'
export { listRdmaDevices, rdmaStatus, type RdmaAvailability, type RdmaDevice, type RdmaLinkLayer, type RdmaPort, type RdmaTransportKind } from './native'
export { createNativeVerbs, NativeVerbsFailure, type NativeVerbsOptions } from './native-verbs'
export { benchRdmaDevices, benchTransport, RDMA_BENCH_PORT, type BenchResult } from './bench'
export { VerbsFailure, type CompletionStatus, type QueuePair, type Verbs, type VerbsDevice, type VerbsListener, type WorkCompletion } from './verbs'
export {
  LINK_PREFERENCE,
  NoWorkingPathError,
  classifyInterfaces,
  createSysfsReader,
  parseMacHardwarePorts,
  pathAddress,
  pathsToPeer,
  pickFastest,
  rankPaths,
  withFallback,
  type LinkPath,
  type LocalInterface,
  type MacNetworkService,
  type RdmaDeviceInfo,
  type SkippedPath,
  type SysfsReader,
} from './links'
