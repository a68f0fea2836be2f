/** The bundled session worker's and speech engine's paths (known only in the built CLI). */
export { default as sessionWorker } from '../core/sessions/worker-entry?modulePath'
export { default as knowledgeWorker } from '../core/knowledge/worker-entry?modulePath'
export { default as sherpaChild } from '../core/voice/engines/sherpa-child?modulePath'
