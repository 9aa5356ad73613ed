/** A client-features document that cannot be used; `field` is the path of the first bad field. */
export class DocumentError extends Error {
  readonly code = 'INVALID_DOCUMENT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'DocumentError';
  }
}
