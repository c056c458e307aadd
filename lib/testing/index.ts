/**
 * `rx-connmgr/testing`: marble-test a `ConnManager`, or your code around one, in virtual time.
 * @packageDocumentation
 */
export { FakeConn } from './FakeConn.js';
export { FakeNetwork, FakeDialError, FakeListenError, type DialRecord } from './FakeNetwork.js';
export { runManagerTest, type ManagerTestContext, type FakeManagerConfig } from './runManagerTest.js';
export { describeEvent } from '../model/describeEvent.js';
export { MemoryNetwork, type MemoryNetworkOptions } from './MemoryNetwork.js';
export { MemorySocket } from './MemorySocket.js';
export { VirtualTime, VirtualTimeoutError, type VirtualTimeOptions } from './VirtualTime.js';
