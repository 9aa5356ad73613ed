/**
 * For apps that use an app key: `createClient({ ..., hiddenTargeting })` reads documents whose
 * customer ids are salted SHA-256 hashes, hashing each context value to compare. A separate entry,
 * so the main one stays small for the clients that never see such a document.
 */
export { hiddenReaders as hiddenTargeting } from '../../shared/evaluation/hidden-readers';
