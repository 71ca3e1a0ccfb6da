import { toWinopsError } from './errors';

/** A VssBackend call as a promise of a typed error: a synchronous throw (bad argument) and a rejection alike become a VssError for `call`. */
export function vssCall<T>(call: string, fn: () => Promise<T>): Promise<T> {
  let p: Promise<T>;
  try {
    p = fn();
  } catch (e) {
    return Promise.reject(toWinopsError('vss', e, call));
  }
  return p.catch((e: unknown) => {
    throw toWinopsError('vss', e, call);
  });
}
