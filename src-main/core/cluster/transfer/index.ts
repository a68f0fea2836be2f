export * from './model-store'
export {
  BlobIntegrityError,
  ConnectionLostError,
  PeerError,
  PROTOCOL_VERSION,
  TransferProtocolError,
  type AuthLink,
  type Authenticate,
  type Hello,
  type TransferProgress,
} from './protocol'
export { loadLocalModel, sendModel, sendOver, type SendModelOptions, type SendOptions, type SendResult } from './sender'
export { acceptModels, BlobBusyError, ModelExistsError, NotEnoughSpaceError, receiveOne, type AcceptOptions, type ReceiveOptions, type ReceiveResult } from './receiver'
