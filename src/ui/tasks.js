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
