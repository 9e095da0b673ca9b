/**
 * Flags read from the page URL (validated): `?debug=1` shows tools for
 * checking failure handling, such as simulating a lost GPU device.
 */
import { z } from 'zod';

const zDebug = z.enum(['1', 'true']);

export function useDebugFlags(search: string = typeof location !== 'undefined' ? location.search : ''): { debug: boolean } {
  const value = new URLSearchParams(search).get('debug');
  return { debug: zDebug.safeParse(value).success };
}
