import { inflateSync } from 'zlib';

/**
 * A small PNG reader for checking the app icons: verifies the signature and every chunk's CRC,
 * reads IHDR, and decodes IDAT (8-bit, non-interlaced, all five row filters) to RGBA.
 */
export interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** RGBA, 4 bytes per pixel (opaque alpha for colour types without alpha). */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type: grey, RGB, grey+alpha, RGBA (palette images are not supported). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Width and height from the IHDR chunk, without decoding the image. */
export function pngSize(bytes: Uint8Array, name = 'image'): { width: number; height: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 24 || !buf.subarray(0, 8).equals(SIGNATURE))
    throw new Error(`${name}: not a PNG`);
  if (buf.toString('ascii', 12, 16) !== 'IHDR') throw new Error(`${name}: IHDR is not first`);
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

export function readPng(bytes: Uint8Array, name = 'image'): Png {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${name}: not a PNG`);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset + 12 <= buf.length && !ended) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    if (offset + 12 + length > buf.length) throw new Error(`${name}: truncated ${type} chunk`);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    const crc = buf.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(buf.subarray(offset + 4, offset + 8 + length))) {
      throw new Error(`${name}: bad CRC in ${type} chunk`);
    }
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ihdr || idat.length === 0 || !ended) throw new Error(`${name}: missing IHDR/IDAT/IEND`);

  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = ihdr.subarray(8, 13);
  const channels = CHANNELS[colorType];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`${name}: unsupported PNG (depth ${bitDepth}, type ${colorType})`);
  }

  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`${name}: wrong IDAT length`);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`${name}: unknown filter type ${filter} on row ${y}`);
      }
      pixels[row + x] = (line[x] + predictor) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const gray = channels <= 2;
    rgba[i * 4] = p[0];
    rgba[i * 4 + 1] = gray ? p[0] : p[1];
    rgba[i * 4 + 2] = gray ? p[0] : p[2];
    rgba[i * 4 + 3] = channels === 2 ? p[1] : channels === 4 ? p[3] : 255;
  }
  return { width, height, bitDepth, colorType, interlace, rgba };
}

/**
 * The Teams rules for the outline icon: only white pixels (any alpha) on a transparent
 * background. Returns one line per offending pixel (at most `limit`).
 */
export function outlineProblems(png: Png, limit = 5): string[] {
  const problems: string[] = [];
  let opaque = 0;
  for (let i = 0; i < png.width * png.height; i++) {
    const [r, g, b, a] = png.rgba.subarray(i * 4, i * 4 + 4);
    if (a === 0) continue;
    opaque++;
    if ((r !== 255 || g !== 255 || b !== 255) && problems.length < limit) {
      problems.push(
        `has pixel (${i % png.width},${Math.floor(i / png.width)}) is rgba(${r},${g},${b},${a})`,
      );
    }
  }
  if (png.colorType !== 6 && png.colorType !== 4) problems.push('has no alpha channel');
  if (opaque === png.width * png.height) problems.push('has no transparent pixel');
  return problems;
}
