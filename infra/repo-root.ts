/**
 * The repository's root directory as an absolute path, which the infra code resolves handler entries
 * and the lock file from.
 */
import { fileURLToPath } from 'node:url';

/** Handler entries in ROUTES and friends are relative to this; so is the lock file esbuild resolves from. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
