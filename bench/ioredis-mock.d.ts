// ioredis-mock ships no types for this setup; the micro-benchmarks use it untyped.
declare module 'ioredis-mock';
