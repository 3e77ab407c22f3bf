// Resource names come from environment variables the stacks set (SST's `Resource` linking would also do; the
// variables keep the handlers runnable offline and in tests).

/** A required environment variable, or a cold-start error that names it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`environment variable ${name} is not set`);
  return value;
}
