/**
 * Start-up work a Lambda does once per container (read the token key, build its dependencies). Concurrent first
 * calls share one attempt and a success is kept; a failure is forgotten, so the next invocation tries again. Caching
 * a rejected promise instead would fail every later invocation in that container (a throttled Secrets Manager for
 * three calls took capture and send down until the container was recycled).
 */
export function startOnce<T>(start: () => T | Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(start)
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    return pending;
  };
}
