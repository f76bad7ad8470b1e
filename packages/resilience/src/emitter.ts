// Minimal typed event emitter: listeners are added with a function that returns their own removal.

/** Adds a listener; returns a function that removes it. */
export type Listen<T> = (listener: (event: T) => void) => () => void;

/** A set of listeners for one event. A throwing listener does not stop the others or the policy. */
export class Emitter<T> {
  readonly #listeners = new Set<(event: T) => void>();

  /** Registers a listener; the returned function removes it. */
  readonly listen: Listen<T> = (listener) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  /** Calls every listener with `event`. */
  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
