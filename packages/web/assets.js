// Where the built web UI lives, for `netpol serve` and `netpol report` (cli reads these files).
export const webDistUrl = new URL('./dist/', import.meta.url);
