/**
 * base64url without padding (RFC 4648 §5): the alphabet of cursors, consistency
 * tokens and JWT parts, safe in a URL without escaping.
 */

/** @example toBase64Url(new Uint8Array([251, 255])) // '-_8' */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional); throws on characters outside the alphabet. */
export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** The UTF-8 bytes of `text`, base64url. */
export function encodeBase64UrlText(text: string): string {
  return toBase64Url(new TextEncoder().encode(text));
}

/** The text behind base64url UTF-8; throws on bad base64 or bad UTF-8. */
export function decodeBase64UrlText(text: string): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fromBase64Url(text));
}
