/**
 * Misbehaviour scoring and host bans, after btcd: {@link DynamicBanScore}, {@link BanList}, and the
 * IP/CIDR helpers they rest on.
 * @module
 */
export { BanList } from './BanList.js';
export type { BanListOptions } from './BanList.js';
export type { BanEntry } from './BanEntry.js';
export type { BanEvent } from './BanEvent.js';
export { DynamicBanScore } from './DynamicBanScore.js';
export type { DynamicBanScoreOptions } from './DynamicBanScore.js';
export { parseCidr, cidrContains } from './cidr.js';
export type { Cidr } from './cidr.js';
export { normalizeHost, hostToBytes } from './normalizeHost.js';
export { parseIp, formatIp, unmapIpv4 } from '../net/ipAddress.js';
export { InvalidHostError, InvalidCidrError } from './errors.js';
export { parseBanFile, toBanFile, BanFileFormatError, BAN_FILE_VERSION } from './banFile.js';
export type { BanFile } from './banFile.js';
