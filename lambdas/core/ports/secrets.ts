/**
 * Named secrets (destination credentials, API keys): Secrets Manager on AWS, the environment or a
 * 0600 file locally. Values are never logged by anything that reads them.
 */
export interface Secrets {
  /** The secret's value, or undefined when no secret has this name. */
  get(name: string): Promise<string | undefined>;
}
