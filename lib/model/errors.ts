/** Thrown by `new ConnManager(config)` when `config.dial` is missing: without it no outbound connection can exist. */
export class DialRequiredError extends TypeError {
  override readonly name = 'DialRequiredError';
  constructor() {
    super('ConnManager needs a `dial` function: (addr) => ObservableInput<Conn>');
  }
}

/** Thrown by `start()` on a manager that was stopped: a manager runs once, like btcd's. */
export class ManagerStoppedError extends Error {
  override readonly name = 'ManagerStoppedError';
  constructor(operation: string) {
    super(`ConnManager was stopped; ${operation}() cannot run again (create a new manager)`);
  }
}

/**
 * The failure of a manager dial that did not settle within `dialTimeout` milliseconds (the whole
 * dial, whatever it does; the TCP connect's own limit is the transport's `DialTimeoutError`).
 */
export class ManagerDialTimeoutError extends Error {
  override readonly name = 'ManagerDialTimeoutError';
  constructor(
    readonly addr: unknown,
    readonly timeout: number,
  ) {
    super(`dial to ${String(addr)} timed out after ${timeout} ms`);
  }
}

/** The failure of a dial whose Observable completed without emitting a connection. */
export class EmptyDialError extends Error {
  override readonly name = 'EmptyDialError';
  constructor(readonly addr: unknown) {
    super(`dial to ${String(addr)} completed without a connection`);
  }
}

/**
 * The failure of an automatic request whose `getNewAddress` completed without an address (the
 * address book's `NoAddressError` is `selectOutboundAddress` finding no usable candidate).
 */
export class NoNewAddressError extends Error {
  override readonly name = 'NoNewAddressError';
  constructor(readonly detail = 'getNewAddress completed without an address') {
    super(detail);
  }
}

/** The failure of an automatic request whose new address already has a live request (no two requests per address). */
export class DuplicateAddressError extends Error {
  override readonly name = 'DuplicateAddressError';
  constructor(
    readonly addr: unknown,
    readonly existingId: number,
  ) {
    super(`address ${String(addr)} already has live request #${existingId}`);
  }
}

/** Thrown by `connect(req)` for a `ConnReq` that already has an id: a handle belongs to one request of one manager. */
export class ConnReqInUseError extends Error {
  override readonly name = 'ConnReqInUseError';
  constructor(readonly id: number) {
    super(`ConnReq #${id} was already connected; create a new ConnReq`);
  }
}
