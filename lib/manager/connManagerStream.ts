import { Observable } from 'rxjs';
import type { LiveConfig } from '../model/LiveConfig.js';
import type { ConnManagerState } from '../model/state.js';
import { ConnManager } from './ConnManager.js';
import type { ConnManagerConfig } from './config.js';

/** A command for `connManager()`'s command stream: the `ConnManager` methods as values. */
export type ConnCommand<A> =
  | { readonly type: 'connect'; readonly addr: A; readonly permanent?: boolean; readonly connClass?: string }
  | { readonly type: 'newConnReq'; readonly connClass?: string; readonly extra?: boolean }
  | { readonly type: 'disconnect'; readonly id: number }
  | { readonly type: 'remove'; readonly id: number }
  /** `cm.configure(config)`; a bad value errors the returned Observable with the `InvalidOptionError`. */
  | { readonly type: 'configure'; readonly config: Partial<LiveConfig> };

/**
 * The Rx-native entry: a cold Observable of the manager's state. Each subscription creates and
 * starts its own `ConnManager`; unsubscribing stops it (closing every conn it holds). Commands,
 * if given, are applied in order while subscribed.
 *
 * @example
 * const sub = connManager({ dial, getNewAddress, targetOutbound: 8 })
 *   .pipe(map((s) => s.establishedCount), distinctUntilChanged())
 *   .subscribe((n) => console.log(`${n} outbound`));
 * // later: sub.unsubscribe() stops the manager.
 */
export function connManager<A, C>(
  config: ConnManagerConfig<A, C>,
  commands$?: Observable<ConnCommand<A>>,
): Observable<ConnManagerState<A, C>> {
  return new Observable<ConnManagerState<A, C>>((subscriber) => {
    const cm = new ConnManager<A, C>(config);
    const stateSubscription = cm.state$.subscribe(subscriber);
    cm.start();
    const commandSubscription = commands$?.subscribe({
      next: (command) => {
        switch (command.type) {
          case 'connect':
            cm.connect(command.addr, {
              permanent: command.permanent ?? false,
              ...(command.connClass === undefined ? {} : { connClass: command.connClass }),
            });
            break;
          case 'newConnReq':
            cm.newConnReq({
              ...(command.connClass === undefined ? {} : { connClass: command.connClass }),
              ...(command.extra === undefined ? {} : { extra: command.extra }),
            });
            break;
          case 'disconnect':
            cm.disconnect(command.id);
            break;
          case 'remove':
            cm.remove(command.id);
            break;
          case 'configure':
            try {
              cm.configure(command.config);
            } catch (error) {
              subscriber.error(error);
            }
            break;
        }
      },
      error: (error: unknown) => subscriber.error(error),
    });
    return () => {
      commandSubscription?.unsubscribe();
      cm.stop();
      stateSubscription.unsubscribe();
    };
  });
}
