/** What the CLI needs from its process, injectable so tests run it in-process. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a terminal (live `\r` progress) or a log/pipe (a line per 10 %). */
  isTTY: boolean;
  columns?: number;
  cwd: string;
  now: () => number;
  /** True once the user pressed Ctrl-C: the run stops cleanly and the CLI exits 130. */
  interrupted: () => boolean;
}
