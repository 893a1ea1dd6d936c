// The playground's share-link format (src/playground/share.rs), for the
// embed: `level=...&off=...&yaml=...`, the text raw-deflated and base64url
// encoded without padding. Both embed.js (to write a frame's URL) and the
// frame (to read it, and to write its "Open in playground" link) use it, so
// an embed's fragment is a share link's fragment.

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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64url(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(bytes.length - i, 3) + 1;
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** The bytes, or null for a character outside the alphabet or a lone trailing one. */
function fromBase64url(text) {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const chunk = text.slice(i, i + 4);
    let n = 0;
    for (let c = 0; c < chunk.length; c++) {
      const v = ALPHABET.indexOf(chunk[c]);
      if (v < 0) return null;
      n |= v << (18 - 6 * c);
    }
    for (let b = 0; b < chunk.length - 1; b++) out[o++] = (n >> (16 - 8 * b)) & 255;
  }
  return out;
}
