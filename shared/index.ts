/**
 * The shared code's single entry (for the CLI, tests and benches): compile and evaluate a
 * client-features document, murmur3, and the model's types and errors.
 */
export {
  type CompiledConfig,
  type CompiledFeature,
  type CompileOptions,
  compile,
} from './evaluation/compile';
export { DocumentError } from './evaluation/document-error';
export { evaluate } from './evaluation/evaluate';
export { murmur3 } from './evaluation/murmur3';
export * from './model/audit';
export { CHANNEL_FIELD, DEFAULT_CHANNELS } from './model/channels';
export * from './model/client-features';
export * from './model/environment';
export * from './model/errors';
export * from './model/event';
export * from './model/flag';
export * from './model/served-document';
export * from './model/token';
