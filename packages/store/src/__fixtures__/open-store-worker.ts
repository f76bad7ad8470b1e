// Child process for the concurrent-open test: opens the store at argv[2] and prints what it applied.
import { openStore } from '../store-open.js';

const store = await openStore({ url: process.argv[2] ?? '' });
process.stdout.write(JSON.stringify({ applied: store.appliedMigrations }) + '\n');
await store.close();
