// Bitmap commands: BITCOUNT BITFIELD BITFIELD_RO BITOP BITPOS GETBIT SETBIT.
export function register(): void {
}
