import { DuckDbParquetEncoder } from '../duckdb/parquet-encoder.js';

/**
 * Half of a Lambda function's memory, from the runtime's AWS_LAMBDA_FUNCTION_MEMORY_SIZE (MB): the
 * other half is the JavaScript heap and the rows being read. Undefined outside Lambda.
 */
export function lambdaMemoryShareMb(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const mb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(mb) && mb > 0 ? Math.floor(mb / 2) : undefined;
}

/**
 * The Parquet encoder of a Lambda function: scratch and spill in /tmp (the only writable folder),
 * DuckDB held to half the function's memory, and its limits logged once so an out-of-memory
 * investigation starts from what DuckDB was allowed.
 */
export async function openLambdaEncoder(env: NodeJS.ProcessEnv = process.env): Promise<DuckDbParquetEncoder> {
  const memoryLimitMb = lambdaMemoryShareMb(env);
  const encoder = await DuckDbParquetEncoder.open('/tmp', memoryLimitMb ? { memoryLimitMb } : {});
  console.log(JSON.stringify({ message: 'parquet encoder', ...(await encoder.limits()) }));
  return encoder;
}
