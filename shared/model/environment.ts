/** An environment (development, production, …): each serves its own flag states, tokens and metrics. */
export interface Environment {
  name: string;
  /** `production` environments are the ones later issues put behind four-eyes approval. */
  type: 'development' | 'production';
  version: number;
  createdAt: string;
}

export const DEFAULT_ENVIRONMENTS: readonly Pick<Environment, 'name' | 'type'>[] = [
  { name: 'development', type: 'development' },
  { name: 'production', type: 'production' },
];

/** Environment, flag and squad names appear in URLs, keys and token prefixes. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
