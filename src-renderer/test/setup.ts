import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { forgetFeatureUse } from '../src/lib/feature-use'

afterEach(() => {
  cleanup()
  forgetFeatureUse()
  window.location.hash = ''
})
