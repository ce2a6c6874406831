import { StorageUnavailableError } from '../domain/errors';
import { Tables, statusOf } from './tables';

/**
 * How many tickets share a partition of the tickets table (a "bucket": numbers
 * `k × size … (k + 1) × size − 1`).
 *
 * A ticket's creation writes five rows in its partition (the ticket, its first event, its
 * open-queue row, its idempotency key and its pending jobs) and each later change one or two
 * events. Azure Table storage finds a row by its keys whatever the partition's size; Azurite, on
 * which the product is developed, tested and measured, scans the whole partition for every row
 * it reads or writes. With 250 tickets a partition grew to 1,250 rows and more, and those scans
 * were a third of Azurite's processor time under load (docs/benchmarks.md, session 12); with 100
 * they stay under about 500 rows. The price is paid by the readers that go partition by
 * partition: the open queue (one small query per partition from the oldest open ticket on) and
 * the exports, with 2.5 times as many partitions to read.
 */
export const BUCKET_SIZE = 100;

/** The size of the tables written before `BUCKET_SIZE` changed (kept: a row never moves). */
export const LEGACY_BUCKET_SIZE = 250;

/** Where a table's layout is recorded: the tenants table's global partition. */
const LAYOUT_KEY = { partitionKey: '~', rowKey: 'ticketLayout' } as const;

/** This process's bucket size; undefined while the first bot of the process reads it. */
let current: number | undefined = BUCKET_SIZE;
let settled = false;

/** Tickets per partition of the tickets table this process serves. */
export function bucketSize(): number {
  if (current === undefined) {
    throw new StorageUnavailableError('starting: the layout of the tickets table is being read');
  }
  return current;
}

/**
 * Holds every use of ticket keys until `settleTicketLayout` has read the table's layout (a turn
 * meanwhile fails as storage unavailable, and Teams sends it again). Only the first bot of a
 * process waits: later ones (tests starting several) keep the layout already read.
 */
export function holdTicketLayout(): void {
  if (!settled) current = undefined;
}

/**
 * Reads the tickets table's bucket size from its layout row, recording it on first use: a
 * table that already holds rows without one was written with `LEGACY_BUCKET_SIZE`, an empty one
 * takes `BUCKET_SIZE`. Every instance then keys tickets the same way, whatever its version.
 */
export async function settleTicketLayout(tables: Tables): Promise<number> {
  let size = await recorded(tables);
  if (size === undefined) {
    const legacy = await holdsRows(tables);
    try {
      await tables.tenants.createEntity({
        ...LAYOUT_KEY,
        bucketSize: legacy ? LEGACY_BUCKET_SIZE : BUCKET_SIZE,
      });
    } catch (e) {
      // Another instance recorded it first: its choice stands.
      if (statusOf(e) !== 409) throw e;
    }
    size = await recorded(tables);
    if (size === undefined) throw new StorageUnavailableError('the ticket layout was not recorded');
  }
  current = size;
  settled = true;
  return size;
}

async function recorded(tables: Tables): Promise<number | undefined> {
  try {
    const row = await tables.tenants.getEntity<{ bucketSize?: unknown }>(
      LAYOUT_KEY.partitionKey,
      LAYOUT_KEY.rowKey,
    );
    const size = Number(row.bucketSize);
    if (!Number.isInteger(size) || size < 1) {
      throw new StorageUnavailableError(`the ticket layout row is invalid (${String(size)})`);
    }
    return size;
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** True when the tickets table holds any row (the service may answer empty pages first). */
async function holdsRows(tables: Tables): Promise<boolean> {
  const pages = tables.tickets
    .listEntities({ queryOptions: { select: ['PartitionKey'] } })
    .byPage({ maxPageSize: 1 });
  for await (const page of pages) if (page.length > 0) return true;
  return false;
}

/** For tests: the layout of a process that never read one (`BUCKET_SIZE`). */
export function resetTicketLayoutForTests(): void {
  current = BUCKET_SIZE;
  settled = false;
}
