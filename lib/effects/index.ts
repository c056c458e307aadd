export { type Effect, type EffectDeps, stageKey, MAX_TIMER_DELAY } from './Effect.js';
export { addressEffect } from './addressEffect.js';
export { dialEffect } from './dialEffect.js';
export { retryEffect } from './retryEffect.js';
export { refillEffect } from './refillEffect.js';
export { connWatchEffect } from './connWatchEffect.js';
export { inboundWatchEffect } from './inboundWatchEffect.js';
export { listenEffect } from './listenEffect.js';
export { closeEffect, connToClose } from './closeEffect.js';
