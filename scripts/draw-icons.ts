/**
 * Draws the Teams app icons for Support Desk and writes them as PNG files:
 *
 * - `color.png`   192×192, full colour: a white headset on the brand blue with a green check badge.
 * - `outline.png` 32×32, transparent background, pure white (#FFFFFF) headset; alpha is the shape.
 *
 * No image library: shapes are point-inside tests in a 100×100 design space, each pixel is
 * supersampled for anti-aliasing, and a tiny RGBA PNG encoder (node's zlib + CRC32) writes files.
 *
 * Usage (from the project root): node <compiled>/draw-icons.js [outDir=appPackage]
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { deflateSync } from 'zlib';

// ---------------------------------------------------------------------------------------------
// PNG encoder (8-bit RGBA, non-interlaced, filter type 0 on every row)
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes straight (non-premultiplied) RGBA pixels, row-major, 4 bytes per pixel. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) {
    throw new Error(`Expected ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method: adaptive (per-row filter byte)
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Geometry: shapes are "is this point inside?" predicates in design units (0..100 both axes,
// y pointing down).
// ---------------------------------------------------------------------------------------------

export type Shape = (x: number, y: number) => boolean;

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

const roundRect =
  (left: number, top: number, width: number, height: number, r: number): Shape =>
  (x, y) => {
    const dx = Math.max(left + r - x, 0, x - (left + width - r));
    const dy = Math.max(top + r - y, 0, y - (top + height - r));
    return dx * dx + dy * dy <= r * r;
  };

/** A stroke of the given width along a segment, with round caps. */
const segment =
  (x1: number, y1: number, x2: number, y2: number, width: number): Shape =>
  (x, y) => {
    const vx = x2 - x1;
    const vy = y2 - y1;
    const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)));
    return (x - x1 - t * vx) ** 2 + (y - y1 - t * vy) ** 2 <= (width / 2) ** 2;
  };

const polyline = (points: ReadonlyArray<readonly [number, number]>, width: number): Shape =>
  union(...points.slice(1).map(([x, y], i) => segment(points[i][0], points[i][1], x, y, width)));

/**
 * A stroke of the given width along a circular arc from angle `from` to `to` (degrees, clockwise
 * on screen because y points down; 0° = right, 90° = down), with round caps.
 */
const arc = (cx: number, cy: number, r: number, width: number, from: number, to: number): Shape => {
  const rad = Math.PI / 180;
  const cap = (deg: number): Shape =>
    circle(cx + r * Math.cos(deg * rad), cy + r * Math.sin(deg * rad), width / 2);
  const band: Shape = (x, y) => {
    if (Math.abs(Math.hypot(x - cx, y - cy) - r) > width / 2) return false;
    const deg = Math.atan2(y - cy, x - cx) / rad;
    const sweep = (((deg - from) % 360) + 360) % 360;
    return sweep <= to - from;
  };
  return union(band, cap(from), cap(to));
};

function union(...shapes: Shape[]): Shape {
  return (x, y) => shapes.some((s) => s(x, y));
}

function minus(shape: Shape, hole: Shape): Shape {
  return (x, y) => shape(x, y) && !hole(x, y);
}

function translate(shape: Shape, dx: number, dy: number): Shape {
  return (x, y) => shape(x - dx, y - dy);
}

// ---------------------------------------------------------------------------------------------
// Rasteriser: paints layers bottom-up per sub-sample, averages premultiplied colour per pixel.
// ---------------------------------------------------------------------------------------------

/** Straight RGBA, channels 0..255. */
export type Rgba = readonly [number, number, number, number];

export interface Layer {
  shape: Shape;
  color: Rgba;
}

export interface RenderOptions {
  size: number;
  /** Pixels per axis are split into `samples × samples` sub-samples. */
  samples: number;
  /** Design units (0..100) mapped onto the full canvas: design = px * 100 / size / zoom + pan. */
  zoom?: number;
  /** RGB stored in fully transparent pixels (white avoids dark fringes when Teams rescales). */
  matte?: readonly [number, number, number];
}

export function render(layers: readonly Layer[], options: RenderOptions): Uint8Array {
  const { size, samples } = options;
  const zoom = options.zoom ?? 1;
  const matte = options.matte ?? [0, 0, 0];
  const unitsPerPx = 100 / size / zoom;
  const pan = 50 - 50 / zoom; // keep the design centre at the canvas centre
  const out = new Uint8Array(size * size * 4);
  const n = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * unitsPerPx + pan;
          const y = (py + (sy + 0.5) / samples) * unitsPerPx + pan;
          // Premultiplied "source over" compositing of every layer that covers this sub-sample.
          let sr = 0;
          let sg = 0;
          let sb = 0;
          let sa = 0;
          for (const layer of layers) {
            if (!layer.shape(x, y)) continue;
            const la = layer.color[3] / 255;
            sr = layer.color[0] * la + sr * (1 - la);
            sg = layer.color[1] * la + sg * (1 - la);
            sb = layer.color[2] * la + sb * (1 - la);
            sa = la + sa * (1 - la);
          }
          r += sr;
          g += sg;
          b += sb;
          a += sa;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = Math.round((a / n) * 255);
      if (alpha === 0) {
        out.set([matte[0], matte[1], matte[2], 0], i);
      } else {
        out.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), alpha], i);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The artwork
// ---------------------------------------------------------------------------------------------

const WHITE: Rgba = [255, 255, 255, 255];
const BRAND_BLUE: Rgba = [0x0f, 0x6c, 0xbd, 255]; // manifest accentColor #0F6CBD
const CHECK_GREEN: Rgba = [0x13, 0xa1, 0x0e, 255];

/** A headset: headband arc, two ear cups and a microphone boom ending at the mouth. */
function headset(band: number): Shape {
  const headband = minus(arc(50, 50, 31, band, 180, 360), (_x, y) => y > 56);
  const leftCup = roundRect(12, 46, 19, 28, 8);
  const rightCup = roundRect(69, 46, 19, 28, 8);
  const boom = arc(50, 60, 30.8, band * 0.75, 79, 157);
  const mic = segment(55, 90.2, 63, 90.2, band * 1.35);
  return translate(union(headband, leftCup, rightCup, boom, mic), 0, -5.3);
}

function colorIcon(): Uint8Array {
  const background: Shape = () => true;
  const badge = { cx: 77, cy: 73, r: 14 };
  const check = polyline(
    [
      [badge.cx - 6.8, badge.cy + 0.6],
      [badge.cx - 2, badge.cy + 5.2],
      [badge.cx + 7, badge.cy - 4.6],
    ],
    4.4,
  );
  return render(
    [
      { shape: background, color: BRAND_BLUE },
      { shape: headset(7.5), color: WHITE },
      // A ring of background colour separates the badge from the headset behind it.
      { shape: circle(badge.cx, badge.cy, badge.r + 4), color: BRAND_BLUE },
      { shape: circle(badge.cx, badge.cy, badge.r), color: CHECK_GREEN },
      { shape: check, color: WHITE },
    ],
    { size: 192, samples: 8, zoom: 0.76 },
  );
}

function outlineIcon(): Uint8Array {
  return render([{ shape: headset(8.5), color: WHITE }], {
    size: 32,
    samples: 16,
    zoom: 1.08,
    matte: [255, 255, 255],
  });
}

export function drawIcons(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: Array<[string, number, Uint8Array]> = [
    ['color.png', 192, colorIcon()],
    ['outline.png', 32, outlineIcon()],
  ];
  return files.map(([name, size, pixels]) => {
    const file = join(outDir, name);
    writeFileSync(file, encodePng(size, size, pixels));
    return file;
  });
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? join(process.cwd(), 'appPackage'));
  for (const file of drawIcons(outDir)) console.log(`wrote ${file}`);
}
