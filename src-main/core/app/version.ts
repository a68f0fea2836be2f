import pkg from '../../../package.json' with { type: 'json' }

/** The app's version, from package.json: every adapter (desktop, web companion, CLI) reports this one. */
export const APP_VERSION: string = pkg.version
