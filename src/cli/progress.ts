/** A one-line progress counter on stderr, shown only when stderr is a terminal. */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return { update: (_done: number, _total: number) => {}, done: () => {} };
  let last = 0;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      stream.write(`\r${label} ${done}/${total}`);
    },
    done() {
      stream.write('\r\u001b[K');
    },
  };
}
