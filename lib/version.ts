/** The package version, used in user agents and logs. */
export const VERSION = '0.1.0';
