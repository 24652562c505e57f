/** The library surface: what Node scripts can use without the CLI. */
export { PARAMS, LAYER_FIELDS, paramByName, paramsFor } from './params/table.js';
export type { ParamSpec, LayerFieldSpec, Endpoint, Method, ParamValue } from './params/types.js';
export { buildParamSet, ParamSet, type RawParam } from './params/paramset.js';
export { encodeFields, toQueryString, type Field } from './params/encode.js';
export { createClient, endpointUrls, type Client, type ClientOptions, type AccountInfo } from './api/client.js';
export { ApiError } from './api/errors.js';
export { UserError, EXIT } from './errors.js';
export { runBatch, BatchRun, type BatchOptions, type BatchSettings } from './batch/run.js';
export type { RunSettings } from './config/options.js';
export type { Host } from './host.js';
export { processHost } from './cli/io.js';
export type * from './batch/events.js';
export { discoverInputs, type DiscoverOptions, type DiscoveredInput } from './inputs/discover.js';
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator/server.js';
export { PRESETS, builtInPreset } from './presets/table.js';
export type { Preset, CheckName, CheckFigures } from './presets/types.js';
export { measureImage, type Measurement, type ImageFacts, type PixelMeasures } from './check/measure.js';
export { judge, type Verdict, type RuleFailure } from './check/judge.js';
