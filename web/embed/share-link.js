// The playground's share-link format (src/playground/share.rs), for the
// embed's frame: `level=...&off=...&yaml=...`, the text raw-deflated and
// base64url encoded without padding. The frame reads its content in it and
// writes its "Open in playground" link with it. embed.js packs the same way
// with its own three lines: a page on another origin can load a classic
// script from anywhere, but a module only with CORS headers.

/** The text, raw-deflated and base64url encoded. */
export async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return toBase64url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

/**
 * The text a packed value holds, unpacked to at most `maxBytes` bytes so a
 * small link cannot expand to gigabytes (a deflate bomb). Throws an Error
 * whose message says what is wrong, in words for the reader of the page.
 */
export async function unpack(value, maxBytes) {
  const bytes = fromBase64url(value);
  if (!bytes) throw new Error('the content is not valid base64url: the address was probably cut off or mistyped');
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      size += part.length;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        throw new RangeError(`the content unpacks to more than ${Math.floor(maxBytes / 1048576)} MB, more than an embed holds`);
      }
      parts.push(part);
    }
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new Error('the content is damaged or cut off: it does not unpack');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await new Blob(parts).arrayBuffer());
  } catch {
    throw new Error('the content is not UTF-8 text');
  }
}

/** A fragment (without `#`) as the playground's share links write it. */
export async function fragment({ level, off = [], text }) {
  let out = `level=${level}`;
  if (off.length) out += `&off=${off.join(',')}`;
  return `${out}&yaml=${await pack(text)}`;
}

/** A fragment's `key=value` pairs (without decoding values: base64url needs none). */
export function fragmentPairs(hash) {
  const pairs = new Map();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return pairs;
}

function toBase64url(bytes) {
  let binary = '';
  // In pieces: one call with millions of arguments would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The bytes, or null for a character outside the alphabet or a lone trailing one. */
function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
