/**
 * Misbehaviour scoring and host and subnet bans, after btcd and Core: {@link DynamicBanScore}, {@link BanList},
 * discouragement ({@link Discouragement}), per-network permissions ({@link permissionsFor}), and the
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
export { RollingBloomFilter } from './RollingBloomFilter.js';
export type { RollingBloomFilterOptions } from './RollingBloomFilter.js';
export { Discouragement } from './Discouragement.js';
export type { DiscouragementOptions } from './Discouragement.js';
export { selectDiscouragedToEvict } from './selectDiscouragedToEvict.js';
export type { DiscouragedCandidate } from './selectDiscouragedToEvict.js';
export { parsePermissions, permissionsFor, InvalidPermissionError, NO_PERMISSIONS, PERMISSION_FLAGS } from './permissions.js';
export type { PermissionFlag, PermissionRule, PermissionTable } from './permissions.js';
export { mayAutoBan } from './mayAutoBan.js';
export type { AutoBanSubject } from './mayAutoBan.js';
export { hostOfAddress } from './hostOfAddress.js';
