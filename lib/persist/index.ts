/**
 * Crash-safe JSON persistence: atomic writes, and loads that set corrupt files aside instead of failing.
 * @module
 */
export { writeJsonFileAtomic, loadJsonFile } from './jsonFile.js';
export type { JsonLoadResult, LoadJsonFileOptions } from './jsonFile.js';
export { JsonFileError, JsonSerializeError } from './errors.js';
