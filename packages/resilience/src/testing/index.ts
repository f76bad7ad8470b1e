export { FakeClock } from './fake-clock.js';
export { seededRandom } from './seeded-random.js';
