// @rampart/store/testing: helpers for tests of packages that use the store.
export { TEST_POSTGRES_URL, testPostgresUrl, testSqliteUrl } from './store-testing-urls.js';
export type { TestStoreUrl } from './store-testing-urls.js';
