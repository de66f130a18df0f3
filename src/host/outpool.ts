// Reply buffers reused. Each execute()'s output is copied out of the
// engine's memory into a Buffer that the socket then takes. Small ones come
// from Node's shared 8 KiB slab; each larger one was a malloc of its own,
// freed only when the garbage collector gets to it. Under a pipelined flood
// (a bulk load answering with stream IDs) tens of megabytes of dead reply
// buffers pile up between collections, and the C heap keeps those pages
// after they are freed: the process's RSS ended 40% above the engine's data.
//
// A buffer the socket wrote out whole during write() (nothing left queued)
// is free again at once: it comes back here and carries the next large
// reply. Buffers a socket still holds are left to the collector as before.

import { BufferClass } from './platform.js';

/** Below this Node's slab serves the copy (Buffer.allocUnsafe's pool limit). */
const MIN_POOLED = 4096;
/** Larger replies are rare enough to take a fresh buffer. */
const MAX_POOLED = 256 * 1024;
/** How many free buffers are kept (at most 1 MiB). */
const MAX_FREE = 4;

export class OutputPool {
  private readonly free: ArrayBuffer[] = [];
  /** The backing stores this pool made: only these are taken back. */
  private readonly ours = new WeakSet<ArrayBuffer>();

  /** An uninitialised Buffer of `len` bytes. */
  take(len: number): Buffer {
    if (len < MIN_POOLED || len > MAX_POOLED) return BufferClass.allocUnsafe(len);
    const free = this.free;
    for (let i = free.length - 1; i >= 0; i--) {
      const ab = free[i];
      if (ab.byteLength >= len) {
        free[i] = free[free.length - 1];
        free.pop();
        return BufferClass.from(ab, 0, len);
      }
    }
    // Power-of-two capacities: one buffer serves any reply up to its size.
    let cap = MIN_POOLED;
    while (cap < len) cap <<= 1;
    const ab = BufferClass.allocUnsafeSlow(cap).buffer as ArrayBuffer;
    this.ours.add(ab);
    return BufferClass.from(ab, 0, len);
  }

  /** `buf` is written out (or copied) and referenced nowhere else: its memory may carry another reply. */
  give(buf: Buffer): void {
    const ab = buf.buffer as ArrayBuffer;
    if (buf.byteOffset !== 0 || !this.ours.has(ab) || this.free.length >= MAX_FREE) return;
    // Never twice: a second give of the same buffer would hand it to two replies.
    if (this.free.includes(ab)) return;
    this.free.push(ab);
  }
}
