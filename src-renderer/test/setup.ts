import { cleanup, configure } from '@testing-library/react'
import { afterEach } from 'vitest'
import { WAIT_CEILING_MS } from '../../test/support/patient-waits'
import { forgetFeatureUse } from '../src/lib/feature-use'

// Testing Library's waitFor/findBy give up after 1 s by default; a busy machine may need longer.
configure({ asyncUtilTimeout: WAIT_CEILING_MS })

afterEach(() => {
  cleanup()
  forgetFeatureUse()
  window.location.hash = ''
})
