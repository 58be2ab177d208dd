/**
 * Runs `run` at once, then at most once per `ms`: calls inside the window collapse into one
 * run at its end, so the last change is never lost.
 */
export function throttle(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const openWindow = () => {
    timer = setTimeout(() => {
      timer = null;
      if (!pending) return;
      pending = false;
      run();
      openWindow();
    }, ms);
  };
  return () => {
    if (timer) {
      pending = true;
      return;
    }
    run();
    openWindow();
  };
}
