/** Milliseconds since the epoch. Injected wherever time matters, so tests can move it. */
type Clock = () => number;

const systemClock: Clock = () => Date.now();

export type { Clock };
export { systemClock };
