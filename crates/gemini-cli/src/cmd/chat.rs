//! `chat`: a conversation with history and streaming, typed or piped (one message per line).

use std::io::Write as _;
use std::path::Path;

use gemini::{Chat, ChatConfig, ChatHistory};

use super::{Ctx, generate::print_stream};
use crate::cli::ChatArgs;
use crate::exit::Failure;
use crate::term::Io;

const HELP: &str = "\
/save <file>   save the history (JSON)
/load <file>   load a history saved with /save
/reset         forget the history
/model <name>  continue with another model
/help          this list
/exit          leave (Ctrl-D too)";

/// What the loop does after a line.
enum Flow {
    Continue,
    Exit,
}

struct Session<'a> {
    ctx: &'a Ctx,
    config: ChatConfig,
    chat: Chat,
    model: String,
}

pub(super) async fn run(ctx: &Ctx, args: ChatArgs, io: &mut Io) -> Result<(), Failure> {
    let mut config = ChatConfig::new();
    if let Some(system) = args.system {
        config = config.with_system_instruction(system);
    }
    let model = ctx.model().to_owned();
    let mut chat = ctx.client().chats().create(&model, config.clone())?;
    if let Some(path) = &args.load {
        chat.set_history(load(path)?);
    }
    let mut session = Session {
        ctx,
        config,
        chat,
        model,
    };
    let interactive = io.stdin_tty;
    if interactive {
        io.note(&format!(
            "chat with {}: /help for commands, /exit or Ctrl-D to leave",
            session.model
        ));
    }
    let mut lines = io.stdin_lines(true);
    loop {
        if interactive {
            let _ = write!(io.err, "> ");
            let _ = io.err.flush();
        }
        let Some(line) = lines.next().await? else {
            if interactive {
                io.note("");
            }
            return Ok(());
        };
        match session.step(line.trim(), io).await {
            Ok(Flow::Continue) => {}
            Ok(Flow::Exit) => return Ok(()),
            // Typed: say what went wrong and go on; piped: a failed line fails the command.
            Err(e) if interactive && !e.is_interrupted() => {
                io.note(&format!("error: {}", e.message(true)));
            }
            Err(e) => return Err(e),
        }
    }
}

impl Session<'_> {
    async fn step(&mut self, line: &str, io: &mut Io) -> Result<Flow, Failure> {
        if line.is_empty() {
            return Ok(Flow::Continue);
        }
        let Some(command) = line.strip_prefix('/') else {
            self.send(line, io).await?;
            return Ok(Flow::Continue);
        };
        let (name, arg) = match command.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (command, ""),
        };
        match (name, arg) {
            ("exit" | "quit", _) => return Ok(Flow::Exit),
            ("help", _) => io.note(HELP),
            ("reset", _) => {
                self.chat.take_history();
                io.note("history cleared");
            }
            ("save" | "load" | "model", "") => {
                return Err(Failure::Usage(format!("/{name} needs an argument (/help)")));
            }
            ("save", path) => {
                let json = serde_json::to_string_pretty(self.chat.history())
                    .map_err(|e| Failure::Input(format!("cannot encode the history: {e}")))?;
                std::fs::write(path, json + "\n")
                    .map_err(|e| Failure::io(format!("cannot write {path}"), e))?;
                io.note(&format!(
                    "saved {} turns to {path}",
                    self.chat.history().full().len()
                ));
            }
            ("load", path) => {
                let history = load(Path::new(path))?;
                let turns = history.full().len();
                self.chat.set_history(history);
                io.note(&format!("loaded {turns} turns from {path}"));
            }
            ("model", model) => {
                let history = self.chat.take_history();
                let chat = self
                    .ctx
                    .client()
                    .chats()
                    .create(model, self.config.clone().with_history(history.clone()));
                match chat {
                    Ok(chat) => {
                        self.chat = chat;
                        self.model = model.to_owned();
                        io.note(&format!("now chatting with {model}"));
                    }
                    Err(e) => {
                        self.chat.set_history(history);
                        return Err(e.into());
                    }
                }
            }
            _ => {
                return Err(Failure::Usage(format!(
                    "unknown chat command /{name} (/help lists them)"
                )));
            }
        }
        Ok(Flow::Continue)
    }

    async fn send(&mut self, message: &str, io: &mut Io) -> Result<(), Failure> {
        let mut spinner = io.spinner(&format!("asking {}", self.model));
        let json = self.ctx.json();
        let stream = self.chat.send_message_stream(message.to_owned()).await?;
        if json {
            let response = stream.accumulate().await?;
            spinner.stop();
            let line = serde_json::to_string(&response)
                .map_err(|e| Failure::Input(format!("cannot encode the answer: {e}")))?;
            return io.println(&line);
        }
        print_stream(stream, &mut spinner, io).await
    }
}

/// A history saved with `/save`.
fn load(path: &Path) -> Result<ChatHistory, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Input(format!(
            "{} is not a chat history saved with /save: {e}",
            path.display()
        ))
    })
}
