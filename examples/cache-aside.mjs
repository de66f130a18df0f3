// Cache-aside with the embedded engine: user profiles cached as JSON for 300
// seconds in front of a slow source, in-process (no server). Run it with
// `node examples/cache-aside.mjs` after `npm run build`.
import { Vermilion } from 'vermilion';

const cache = await Vermilion.open();

// Stands in for the database the cache protects.
let sourceReads = 0;
async function loadProfileFromDb(id) {
  sourceReads++;
  return { id, name: `User ${id}`, plan: 'pro' };
}

async function getUserProfile(id) {
  const key = `user:profile:${id}`;
  const cached = await cache.get(key);
  if (cached !== null) return JSON.parse(cached);
  const profile = await loadProfileFromDb(id);
  await cache.setex(key, 300, JSON.stringify(profile));
  return profile;
}

console.log(await getUserProfile(42));           // from the source, then cached
console.log(await getUserProfile(42));           // from the cache
console.log('source reads:', sourceReads);       // 1
console.log('ttl:', await cache.ttl('user:profile:42'));  // 300
console.log('hot path, synchronous:', cache.sync.get('user:profile:42'));
await cache.close();
