/** A progress bar for long CLI work: redrawn in place on a terminal, one line per step elsewhere. */
export interface Progress {
  tick(label?: string): void;
  done(): void;
}

export function progressBar(
  total: number,
  title: string,
  out: NodeJS.WriteStream = process.stderr,
): Progress {
  let done = 0;
  const width = 28;
  const draw = (label = '') => {
    const share = total === 0 ? 1 : done / total;
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${title} ${bar} ${done}/${total} ${label}`.slice(0, (out.columns ?? 100) - 1);
    if (out.isTTY) out.write(`\r\x1b[2K${line}`);
    else if (label) out.write(`${line}\n`);
  };
  draw();
  return {
    tick(label) {
      done = Math.min(total, done + 1);
      draw(label);
    },
    done() {
      if (out.isTTY) out.write('\n');
    },
  };
}
