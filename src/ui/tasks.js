// Yields to the browser (input, rendering) between slices of long work on
// the page's thread: a message to itself runs as a new task, without the
// 4 ms that nested setTimeout calls wait.
export function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// Resolves once the browser is idle after drawing the next frame (so that
// what waits for it never lands between a change and its frame), or a
// second later at most; where there is no idle callback (Safari), after a
// short wait.
export function whenIdle() {
  return new Promise((resolve) => {
    const idle = () => (typeof requestIdleCallback === 'function'
      ? requestIdleCallback(() => resolve(), { timeout: 1000 })
      : setTimeout(resolve, 50));
    requestAnimationFrame(() => setTimeout(idle));
  });
}
