/** Types for core-levels.js (plain JS so eslint.config.js can load it; the layering test imports it too). */
export declare const CORE_LEVELS: readonly { level: string; folders: readonly string[] }[]
export declare const CORE_ROOT: string
export declare function coreLevelOf(folder: string): number | undefined
export declare function isCoreTestFile(file: string): boolean
export declare function coreImportViolation(fromFile: string, specifier: string, coreRoot?: string): string | undefined
