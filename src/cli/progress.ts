/** A one-line progress display on a terminal (nothing when output is piped or in CI). */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let last = 0;
  return {
    update(p: { imported: number; skipped: number; threads: number }) {
      if (!stream.isTTY || Date.now() - last < 200) return;
      last = Date.now();
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? Math.round(p.imported / secs) : 0;
      stream.write(`\r  ${p.threads} threads · ${p.imported} comments · ${p.skipped} skipped · ${rate}/s   `);
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
