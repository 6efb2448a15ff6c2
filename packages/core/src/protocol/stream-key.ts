/**
 * One string per stream of a tenant, for maps, lanes and storage keys. `/` is
 * outside the name pattern, so the key can only be read back one way.
 */
import { NAME_SEPARATOR } from '../names';

/** @example streamKey('Order', 'o-1') // 'Order/o-1' */
export function streamKey(aggregate: string, aggregateId: string): string {
  return `${aggregate}${NAME_SEPARATOR}${aggregateId}`;
}
