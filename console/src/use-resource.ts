/**
 * One way every page loads what it shows: the data, the error, a reload, and a local setter for
 * what a write answered. An answer that arrives after a newer load started is dropped.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload(): Promise<void>;
  set(data: T): void;
}

export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  async function reload(): Promise<void> {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const next = await loader.current();
      if (ticket !== latest.current) return;
      setData(next);
      setError(null);
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }

  useEffect(() => {
    void reload();
  }, deps);

  return { data, error, loading, reload, set: setData };
}
