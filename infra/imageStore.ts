import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputInfo } from 'sharp';

/** sharp (libvips, ~15 MB resident) loads on the first image, not in every process that might touch one. */
const loadSharp = async () => (await import('sharp')).default;

/** Formats accepted for upload, recognised by their magic bytes (the declared type is not trusted). */
const MAGIC: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/png',
    test: (b) =>
      b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/webp',
    test: (b) =>
      b.length > 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP',
  },
];

export const ACCEPTED_IMAGE_TYPES = MAGIC.map((m) => m.type);

const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * The file ends where its format says the image ends: decoders ignore trailing bytes, which is how a polyglot (an
 * image that is also an HTML page, a script or an archive) hides its second meaning.
 */
function endsAtImageEnd(b: Buffer, type: string): boolean {
  if (type === 'image/png') return b.subarray(-PNG_IEND.length).equals(PNG_IEND);
  if (type === 'image/jpeg') return b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
  return b.readUInt32LE(4) + 8 === b.length; // WebP: the RIFF size covers the whole file
}

/** An image that is not one we accept; the message is safe to show. */
export class InvalidImageError extends Error {
  override name = 'InvalidImageError';
}

export interface StoredImage {
  id: string;
  width: number;
  height: number;
  bytes: number;
}

/**
 * Content-addressed product images on disk (outside the database): every upload is decoded and re-encoded
 * to WebP (metadata stripped, at most 1600 px wide) plus a 480 px thumbnail, named by the SHA-256 of the result,
 * so storing is idempotent and URLs can be cached forever.
 */
export function createImageStore(dir: string) {
  const path = (id: string, variant: '' | '-480' = '') => join(dir, `${id}${variant}.webp`);

  async function writeOnce(file: string, data: Buffer): Promise<void> {
    if (await stat(file).catch(() => null)) return;
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  }

  return {
    dir,
    path,

    /**
     * Checks (magic bytes, declared type, nothing after the image, decodes cleanly), re-encodes and stores an upload;
     * throws InvalidImageError — before anything is written — for anything that is not exactly one real image.
     */
    async save(input: Buffer, declaredType?: string): Promise<StoredImage> {
      const kind = MAGIC.find((m) => m.test(input));
      if (!kind) throw new InvalidImageError('Upload a JPEG, PNG or WebP image');
      if (declaredType && declaredType !== kind.type) {
        throw new InvalidImageError(`The file is ${kind.type}, not ${declaredType}`);
      }
      if (!endsAtImageEnd(input, kind.type)) {
        throw new InvalidImageError('The file has data after the end of the image');
      }
      let main: { data: Buffer; info: OutputInfo };
      let thumb: Buffer;
      const sharp = await loadSharp();
      try {
        const source = sharp(input, { limitInputPixels: 40_000_000, failOn: 'error' }).rotate();
        const meta = await source.metadata();
        if (!meta.width || !meta.height || meta.width < 200 || meta.height < 200) {
          throw new InvalidImageError('The image must be at least 200 × 200 pixels');
        }
        main = await source
          .clone()
          .resize({ width: 1600, withoutEnlargement: true })
          .webp({ quality: 82 })
          .toBuffer({ resolveWithObject: true });
        thumb = await source
          .clone()
          .resize({ width: 480, height: 480, fit: 'cover' })
          .webp({ quality: 78 })
          .toBuffer();
      } catch (err) {
        if (err instanceof InvalidImageError) throw err;
        throw new InvalidImageError('The image could not be read');
      }
      const id = createHash('sha256').update(main.data).digest('hex');
      await mkdir(dir, { recursive: true });
      await writeOnce(path(id, '-480'), thumb);
      await writeOnce(path(id), main.data);
      return { id, width: main.info.width, height: main.info.height, bytes: main.data.length };
    },

    /** Width, height and size of a stored image, or null when there is none. */
    async describe(id: string): Promise<StoredImage | null> {
      if (!/^[a-f0-9]{64}$/.test(id)) return null;
      const file = path(id);
      const s = await stat(file).catch(() => null);
      if (!s) return null;
      const meta = await (await loadSharp())(file).metadata();
      return { id, width: meta.width ?? 0, height: meta.height ?? 0, bytes: s.size };
    },
  };
}
export type ImageStore = ReturnType<typeof createImageStore>;
