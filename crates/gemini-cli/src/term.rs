//! The process's streams and environment, injected so that commands can be tested, and the
//! spinner that appears only on a terminal.

use std::io::{self, BufRead, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;

use crate::exit::Failure;

/// The longest prompt read from stdin, and the longest chat line.
pub(crate) const MAX_STDIN_BYTES: u64 = 32 * 1024 * 1024;

type Lookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// stdin, stdout, stderr, whether each is a terminal, and the environment.
pub(crate) struct Io {
    stdin: Option<Box<dyn BufRead + Send>>,
    pub(crate) out: Box<dyn Write + Send>,
    pub(crate) err: Box<dyn Write + Send>,
    pub(crate) stdin_tty: bool,
    pub(crate) stdout_tty: bool,
    pub(crate) stderr_tty: bool,
    env: Lookup,
}

impl std::fmt::Debug for Io {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io")
            .field("stdin_tty", &self.stdin_tty)
            .field("stdout_tty", &self.stdout_tty)
            .field("stderr_tty", &self.stderr_tty)
            .finish_non_exhaustive()
    }
}

impl Io {
    /// The real process: its streams and environment variables.
    pub(crate) fn process() -> Self {
        Self {
            stdin_tty: io::stdin().is_terminal(),
            stdout_tty: io::stdout().is_terminal(),
            stderr_tty: io::stderr().is_terminal(),
            stdin: Some(Box::new(io::BufReader::new(io::stdin()))),
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
            env: Box::new(|name| std::env::var(name).ok()),
        }
    }

    /// Streams and variables given by a test; nothing is a terminal.
    #[cfg(test)]
    pub(crate) fn fake(
        stdin: &str,
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
        env: &[(&str, &str)],
    ) -> Self {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Self {
            stdin: Some(Box::new(io::Cursor::new(stdin.as_bytes().to_vec()))),
            out,
            err,
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            env: Box::new(move |name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())),
        }
    }

    /// An environment variable.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// A line on stderr (best effort: a closed stderr is not worth failing for).
    pub(crate) fn note(&mut self, line: &str) {
        let _ = writeln!(self.err, "{line}");
        let _ = self.err.flush();
    }

    /// Writes to stdout.
    pub(crate) fn print(&mut self, text: &str) -> Result<(), Failure> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|e| Failure::io("cannot write to stdout", e))
    }

    /// Writes a line to stdout.
    pub(crate) fn println(&mut self, text: &str) -> Result<(), Failure> {
        self.print(text)?;
        self.print("\n")
    }

    /// Flushes stdout.
    pub(crate) fn flush(&mut self) -> Result<(), Failure> {
        self.out
            .flush()
            .map_err(|e| Failure::io("cannot write to stdout", e))
    }

    /// The whole of stdin (at most [`MAX_STDIN_BYTES`]), read off the runtime's thread so that
    /// Ctrl-C is still handled.
    pub(crate) async fn read_stdin(&mut self) -> Result<String, Failure> {
        let mut lines = self.stdin_lines(false);
        let mut all = String::new();
        while let Some(line) = lines.next().await? {
            all.push_str(&line);
            if all.len() as u64 > MAX_STDIN_BYTES {
                return Err(Failure::Input(format!(
                    "stdin holds more than {} MB",
                    MAX_STDIN_BYTES / 1_000_000
                )));
            }
        }
        Ok(all)
    }

    /// The lines of stdin, read by a thread of their own (a blocking read must not stop the
    /// runtime, which watches for Ctrl-C). `trim_newlines` drops each line's end of line.
    pub(crate) fn stdin_lines(&mut self, trim_newlines: bool) -> Lines {
        let (tx, rx) = mpsc::channel(4);
        if let Some(mut stdin) = self.stdin.take() {
            std::thread::spawn(move || {
                loop {
                    let mut line = Vec::new();
                    let read = io::Read::take(&mut stdin, MAX_STDIN_BYTES + 1)
                        .read_until(b'\n', &mut line);
                    let item = match read {
                        Ok(0) => break,
                        Ok(n) if n as u64 > MAX_STDIN_BYTES => Err(Failure::Input(format!(
                            "a line of stdin is longer than {} MB",
                            MAX_STDIN_BYTES / 1_000_000
                        ))),
                        Ok(_) => String::from_utf8(line)
                            .map(|mut l| {
                                if trim_newlines {
                                    let end = l.trim_end_matches(['\r', '\n']).len();
                                    l.truncate(end);
                                }
                                l
                            })
                            .map_err(|_| Failure::Input("stdin is not UTF-8 text".to_owned())),
                        Err(e) => Err(Failure::io("cannot read stdin", e)),
                    };
                    let stop = item.is_err();
                    if tx.blocking_send(item).is_err() || stop {
                        break;
                    }
                }
            });
        }
        Lines { rx }
    }

    /// A spinner with `message` on stderr while something is awaited, only when stderr is a
    /// terminal; it disappears when dropped or [`Spinner::stop`]ped.
    pub(crate) fn spinner(&self, message: &str) -> Spinner {
        if !self.stderr_tty {
            return Spinner(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }
}

/// What a [`Bar`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Units {
    /// Bytes (shown as KiB, MiB...).
    Bytes,
    /// Requests, items...
    Items,
}

impl Io {
    /// A progress bar on stderr for work of a known size, only when stderr is a terminal;
    /// piped output stays clean.
    pub(crate) fn bar(&self, total: u64, units: Units, message: &str) -> Bar {
        if !self.stderr_tty {
            return Bar(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = match units {
            Units::Bytes => "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            Units::Items => "{msg} [{bar:30}] {pos}/{len}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar(Some(bar))
    }
}

/// A progress bar on stderr (nothing when stderr is not a terminal). Clones share the bar, so
/// one can move into a progress callback.
#[derive(Clone, Debug)]
pub(crate) struct Bar(Option<ProgressBar>);

impl Bar {
    /// Moves the bar to `position` of `total`.
    pub(crate) fn set(&self, position: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(position);
        }
    }

    /// Removes the bar.
    pub(crate) fn clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }

    /// Whether a bar is drawn (stderr is a terminal).
    #[cfg(test)]
    pub(crate) fn is_drawn(&self) -> bool {
        self.0.is_some()
    }
}

/// The lines of stdin (see [`Io::stdin_lines`]).
#[derive(Debug)]
pub(crate) struct Lines {
    rx: mpsc::Receiver<Result<String, Failure>>,
}

impl Lines {
    /// The next line, `None` at the end of stdin.
    pub(crate) async fn next(&mut self) -> Result<Option<String>, Failure> {
        self.rx.recv().await.transpose()
    }
}

/// A spinner on stderr (nothing when stderr is not a terminal).
#[derive(Debug)]
pub(crate) struct Spinner(Option<ProgressBar>);

impl Spinner {
    /// Changes the spinner's message (while waiting: what is awaited, and for how long).
    pub(crate) fn set_message(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_owned());
        }
    }

    /// Removes the spinner.
    pub(crate) fn stop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `Write` into a shared buffer, for tests.
#[cfg(test)]
#[derive(Clone, Debug, Default)]
pub(crate) struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(test)]
impl Captured {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[cfg(test)]
impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stdin_is_read_whole_or_by_line() {
        let (out, err) = (Captured::default(), Captured::default());
        let mut io = Io::fake(
            "a\r\nb\n",
            Box::new(out.clone()),
            Box::new(err.clone()),
            &[],
        );
        let mut lines = io.stdin_lines(true);
        assert_eq!(lines.next().await.unwrap().as_deref(), Some("a"));
        assert_eq!(lines.next().await.unwrap().as_deref(), Some("b"));
        assert_eq!(lines.next().await.unwrap(), None);

        let mut io = Io::fake("one\ntwo", Box::new(out), Box::new(err), &[]);
        assert_eq!(io.read_stdin().await.unwrap(), "one\ntwo");
    }

    #[test]
    fn no_spinner_or_bar_off_a_terminal() {
        let io = Io::fake("", Box::new(io::sink()), Box::new(io::sink()), &[]);
        assert!(io.spinner("x").0.is_none());
        let bar = io.bar(10, Units::Bytes, "x");
        bar.set(5, 10);
        bar.clear();
        assert!(!bar.is_drawn());
    }
}
