/**
 * Test images made on the spot: a real JPEG/PNG/WebP picture (sharp), a truncated copy, and
 * a PNG decompression bomb (a valid, complete PNG whose pixels are all zero, so a few
 * dozen KB inflate to width × height bytes).
 */
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A picture with shapes and text, encoded as `format`. */
export async function testPicture(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' = 'jpeg',
): Promise<Buffer> {
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="#2b4a6f"/>` +
      `<circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#e0a030"/>` +
      `<rect x="${width / 10}" y="${height / 10}" width="${width / 5}" height="${height / 2}" fill="#6fb04a"/>` +
      `</svg>`,
  );
  const img = sharp(svg);
  return format === 'jpeg'
    ? img.jpeg({ quality: 90 }).toBuffer()
    : format === 'png'
      ? img.png().toBuffer()
      : img.webp().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A complete 8-bit greyscale PNG of `width` × `height` black pixels (PNG spec: IHDR, IDAT, IEND). */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height); // filter byte 0 + zero pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
