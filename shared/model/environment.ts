/** An environment (development, production, …): each serves its own flag states, tokens and metrics. */
export interface Environment {
  name: string;
  type: 'development' | 'production';
  /**
   * A change to a flag, an experiment or a segment that reaches a protected environment becomes a
   * change request another principal must approve (docs/governance.md). Production is protected
   * unless a platform admin's approved change request said otherwise.
   */
  protected: boolean;
  version: number;
  createdAt: string;
}

export const DEFAULT_ENVIRONMENTS: readonly Pick<Environment, 'name' | 'type' | 'protected'>[] = [
  { name: 'development', type: 'development', protected: false },
  { name: 'production', type: 'production', protected: true },
];

/** Environments stored before governance carry no `protected`: production ones are. */
export function isProtected(environment: Pick<Environment, 'type'> & { protected?: boolean }): boolean {
  return environment.protected ?? environment.type === 'production';
}

/** Environment, flag and squad names appear in URLs, keys and token prefixes. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
