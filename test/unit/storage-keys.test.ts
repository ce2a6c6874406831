import { keyPart } from '../../src/storage/keys';
import {
  bucketOf,
  chunkText,
  ticketPartition,
  ticketRowKey,
} from '../../src/storage/ticket.repository';

describe('table keys', () => {
  it('keeps GUIDs and hashes ids with characters Azure forbids', () => {
    expect(keyPart('72f988bf-86f1-41af-91ab-2d7cd011db47')).toBe(
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
    );
    const hashed = keyPart('<CAF=abc/def@mail.example.com>');
    expect(hashed).toMatch(/^h[0-9a-f]{40}$/);
    expect(keyPart('a#b')).not.toContain('#');
    expect(keyPart('a|b')).not.toContain('|');
  });

  it('buckets tickets by number so no partition grows without bound', () => {
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(99)).toBe(0);
    expect(bucketOf(100)).toBe(1);
    expect(ticketPartition('t', 123456)).toBe('t|001234');
    expect(ticketRowKey(42)).toBe('t000000042');
  });

  it('chunks text under the 64 KiB property limit without splitting surrogate pairs', () => {
    const text = 'x'.repeat(29_999) + '😀' + 'y'.repeat(10);
    const chunks = chunkText(text, 30_000);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toHaveLength(29_999);
    expect(chunks[1].startsWith('😀')).toBe(true);
    expect(chunkText('')).toEqual([]);
  });
});
