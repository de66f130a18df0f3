// Generic keyspace commands.
export function register(): void {
}
