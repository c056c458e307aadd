import { config } from 'rxjs';

/**
 * Runs `f`; an exception goes where RxJS reports its unhandled errors, never into a promise chain
 * (a handler that throws into the promise `.then` derives would be an unhandled rejection, which
 * ends the process). For callbacks that the library hangs on a user's promise.
 *
 * @example
 * promise.then((value) => guard(() => emit(value)));
 */
export function guard(f: () => void): void {
  try {
    f();
  } catch (error) {
    if (config.onUnhandledError) config.onUnhandledError(error);
    else
      setTimeout(() => {
        throw error;
      });
  }
}
