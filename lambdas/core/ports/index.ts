export type { Clock } from './clock.js';
export { fixedClock, systemClock } from './clock.js';
export type { ObjectInfo, ObjectStore } from './object-store.js';
export type { ParquetEncoder } from './parquet-encoder.js';
export type { QueryEngine, QueryOptions, QueryResult, ResultColumn, TableScope } from './query-engine.js';
export type { PutOptions, QueryOptions as StateQueryOptions, StateItem, StateStore } from './state-store.js';
