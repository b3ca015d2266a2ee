export { MARATHON_CMD } from './defaults.js';
export { specFromFlags, type UpFlags } from './flags.js';
export { DEFAULT_MINIMESOS_FILE, renderMinimesosFile, resourcesString } from './render.js';
export { blocksNotRunWarning, isFetchableSource, parseMinimesosFile, specWarnings, validateForUp } from './spec.js';
export { MinimesosFileError } from './tokens.js';
