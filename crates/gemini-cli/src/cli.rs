//! The command line: every command, option and help text (clap derive).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The model used when `--model` is not given (every command but `embed`).
pub const DEFAULT_MODEL: &str = "gemini-2.5-flash";

/// The model `embed` uses when `--model` is not given.
pub const DEFAULT_EMBEDDING_MODEL: &str = "gemini-embedding-001";

/// The model `live` uses when `--model` is not given.
pub const DEFAULT_LIVE_MODEL: &str = "gemini-live-2.5-flash-preview";

/// The model `image` uses when `--model` is not given (an image-output Gemini model).
pub const DEFAULT_IMAGE_MODEL: &str = "gemini-2.5-flash-image";

/// The model `speak` uses when `--model` is not given (a text-to-speech model).
pub const DEFAULT_SPEECH_MODEL: &str = "gemini-2.5-flash-preview-tts";

/// The model `video` uses when `--model` is not given (Veo).
pub const DEFAULT_VIDEO_MODEL: &str = "veo-3.1-generate-preview";

const EXIT_CODES: &str = "\
Without an API key (--api-key, GEMINI_API_KEY or GOOGLE_API_KEY) and without --base-url, every
command runs against the built-in emulator: offline, deterministic answers, no account needed.

Exit codes:
  0    success
  1    failure: bad input (a file, a schema), an answer that did not decode, an I/O error
  2    usage error (unknown option, missing argument)
  3    API error: the service answered with an error (400, 403, 404, 429, 500...)
  4    network error or timeout: no answer (connection refused, cut, stalled)
  130  interrupted (Ctrl-C)";

/// `gemini-rs`: Google's Gemini API from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "gemini-rs",
    version,
    about = "Google's Gemini API from the command line (offline with a built-in emulator when no API key is set)",
    after_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command (they may appear before or after the command name).
#[derive(Debug, Args)]
pub struct Global {
    /// The model [default: gemini-2.5-flash; for `embed`: gemini-embedding-001; `image`: gemini-2.5-flash-image; `speak`: gemini-2.5-flash-preview-tts; `video`: veo-3.1-generate-preview].
    #[arg(long, short = 'm', global = true, value_name = "NAME")]
    pub model: Option<String>,
    /// The API key [default: $GEMINI_API_KEY or $GOOGLE_API_KEY; none: the built-in emulator].
    #[arg(long, global = true, value_name = "KEY")]
    pub api_key: Option<String>,
    /// The API's base URL, e.g. a local emulator's (http://127.0.0.1:8089) [default: $GOOGLE_GEMINI_BASE_URL or Google's endpoint].
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The API version: v1beta, v1 or v1alpha [default: v1beta].
    #[arg(long, global = true, value_name = "VERSION")]
    pub api_version: Option<String>,
    /// The longest wait of one call: a whole answer, or each chunk of a streamed one (e.g. 30s, 500ms, 2m).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// How many times a failed call (429, 5xx, connection error) is retried [default: 4].
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,
    /// Output format: text for people, json for scripts.
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Diagnostics on stderr: the error's whole chain and tracing output (-vv: more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Readable text; answers stream as they are generated.
    Text,
    /// JSON on stdout (the API's response objects).
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate an answer to a prompt (streamed to the terminal as it is generated).
    #[command(
        after_help = "The prompt is read from stdin when it is not given and stdin is not a terminal:\n  echo \"Explain how AI works\" | gemini-rs generate"
    )]
    Generate(GenerateArgs),
    /// An interactive chat with history and streaming; reads one message per line when piped.
    #[command(
        after_help = "Commands inside the chat:\n  /save <file>   save the history (JSON)\n  /load <file>   load a history saved with /save\n  /reset         forget the history\n  /model <name>  continue with another model\n  /help          this list\n  /exit          leave (Ctrl-D too)"
    )]
    Chat(ChatArgs),
    /// Count the tokens of a prompt.
    CountTokens(CountTokensArgs),
    /// Embed texts: print their vectors, or the cosine similarity between them.
    Embed(EmbedArgs),
    /// List the models or show one.
    Models {
        /// What to do.
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Upload, list, show, download and delete files (the files API).
    #[command(
        after_help = "An interrupted upload (Ctrl-C, a lost connection) can be finished later: the command prints\nthe `--resume <URL>` to add. The built-in emulator's uploads end with the process."
    )]
    Files {
        /// What to do.
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Create, list, show, extend and delete context caches.
    Cache {
        /// What to do.
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Batch mode: submit a JSONL file of requests, follow it, and read its results.
    #[command(
        after_help = "Each line of the input file is one request with its key:\n  {\"key\": \"q1\", \"request\": {\"contents\": [{\"parts\": [{\"text\": \"Hi\"}]}]}}\nThe built-in emulator's batches end with the process: use `batch submit --wait` with it."
    )]
    Batch {
        /// What to do.
        #[command(subcommand)]
        command: BatchCommand,
    },
    /// Interactions: server-kept conversations, background runs and agents, resumable streams.
    #[command(
        after_help = "Continue a conversation with the id printed on stderr:\n  gemini-rs interactions create \"Hi, I am Ada.\"          # interaction: v1_abc\n  gemini-rs interactions create --previous v1_abc \"What is my name?\"\nA stream stopped with Ctrl-C is picked up with `interactions stream ID --last-event-id E`.\nThe built-in emulator's interactions end with the process."
    )]
    Interactions {
        /// What to do.
        #[command(subcommand)]
        command: InteractionsCommand,
    },
    /// A Live session in the terminal: one message per line (or a WAV file), the answers streamed as text (or spoken).
    #[command(
        after_help = "Reads one message per line when stdin is piped; /exit or Ctrl-D ends the session.\nWith --audio-in the session is one spoken turn; with --audio-out the answers are spoken.\nThe session resumes by itself after a goAway or a dropped connection.\nThe model defaults to gemini-live-2.5-flash-preview."
    )]
    Live(LiveArgs),
    /// Generate images from a prompt and save them (Imagen with an `imagen-*` --model).
    #[command(
        after_help = "Examples:\n  gemini-rs image \"A watercolor fox in the snow\" --out pictures/\n  gemini-rs image \"A lighthouse at dusk\" -m imagen-4.0-generate-001 -n 2 --aspect-ratio 16:9"
    )]
    Image(ImageArgs),
    /// Read a text aloud with a text-to-speech model and save it as a WAV file.
    #[command(
        after_help = "The text is read from stdin when it is not given and stdin is not a terminal:\n  echo \"Have a wonderful day\" | gemini-rs speak --voice Kore --out day.wav"
    )]
    Speak(SpeakArgs),
    /// Generate a video with Veo: wait for it (a spinner on a terminal) and download the MP4.
    #[command(
        after_help = "Generation takes minutes: --no-wait prints the operation, and `video download <OPERATION>`\nwaits for it and downloads the video later. The built-in emulator's videos end with the process."
    )]
    Video(VideoArgs),
    /// File search stores: create and fill them, list their documents, ask questions answered from them.
    #[command(
        after_help = "Example:\n  gemini-rs store create manuals\n  gemini-rs store upload fileSearchStores/manuals-abc123 kettle.txt\n  gemini-rs store ask fileSearchStores/manuals-abc123 \"How do I descale the kettle?\"\nThe built-in emulator's stores end with the process."
    )]
    Store {
        /// What to do.
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Ephemeral tokens: short-lived credentials a client app opens Live sessions with.
    Token {
        /// What to do.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Run the Gemini API emulator in the foreground until Ctrl-C (prints its URL first).
    Emulator(EmulatorArgs),
    /// A short tour: generation, streaming, a chat, tokens, embeddings, structured output, function calling, files and batch mode (a text transcript).
    Demo,
    /// Print a shell completion script.
    #[command(
        after_help = "Example: gemini-rs completions bash > ~/.local/share/bash-completion/completions/gemini-rs"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The prompt [default: read from stdin].
    pub prompt: Option<String>,
    /// A system instruction.
    #[arg(long, short, value_name = "TEXT")]
    pub system: Option<String>,
    /// Attach a local file (repeat for several): inline up to 20 MB in all, uploaded with the files API beyond.
    #[arg(long, short, value_name = "PATH")]
    pub file: Vec<PathBuf>,
    /// Structured output: a JSON schema file; prints the JSON answer.
    #[arg(long, value_name = "FILE.json")]
    pub schema: Option<PathBuf>,
    /// Print the raw response JSON (same as --output json).
    #[arg(long)]
    pub json: bool,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    pub no_stream: bool,
    /// Sampling temperature (0.0 to 2.0).
    #[arg(long, value_name = "T")]
    pub temperature: Option<f64>,
    /// The most tokens in the answer.
    #[arg(long, value_name = "N")]
    pub max_output_tokens: Option<i32>,
}

/// `chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// A system instruction for the whole chat.
    #[arg(long, short, value_name = "TEXT")]
    pub system: Option<String>,
    /// Start from a history saved with /save.
    #[arg(long, value_name = "FILE")]
    pub load: Option<PathBuf>,
}

/// `count-tokens`.
#[derive(Debug, Args)]
pub struct CountTokensArgs {
    /// The prompt [default: read from stdin].
    pub prompt: Option<String>,
    /// Count a local file too (repeat for several).
    #[arg(long, short, value_name = "PATH")]
    pub file: Vec<PathBuf>,
}

/// `embed`.
#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// The texts to embed.
    #[arg(required = true, value_name = "TEXT")]
    pub texts: Vec<String>,
    /// Print the cosine similarity of every pair of texts instead of the vectors.
    #[arg(long)]
    pub similarity: bool,
    /// Truncate the vectors to this many dimensions.
    #[arg(long, value_name = "N")]
    pub dimensions: Option<i32>,
}

/// `models`.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List every model.
    List,
    /// Show one model.
    Get {
        /// The model, e.g. gemini-2.5-flash.
        name: String,
    },
}

/// `files`.
#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Upload a file (resumable; a progress bar on a terminal) and print its name and URI.
    Upload(UploadArgs),
    /// List the files.
    List,
    /// Show one file.
    Get {
        /// The file, e.g. files/abc123.
        name: String,
    },
    /// Download a file's bytes (generated files, such as videos).
    Download {
        /// The file, e.g. files/abc123.
        name: String,
        /// Write to this path [default: stdout].
        #[arg(long = "out", short = 'o', value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Delete a file.
    Delete {
        /// The file, e.g. files/abc123.
        name: String,
    },
}

/// `files upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The local file.
    pub path: PathBuf,
    /// The MIME type [default: from the file name].
    #[arg(long, value_name = "TYPE")]
    pub mime_type: Option<String>,
    /// The file's display name.
    #[arg(long, value_name = "TEXT")]
    pub display_name: Option<String>,
    /// Bytes per chunk (e.g. 8MiB, 256KiB) [default: 8MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub chunk_size: Option<u64>,
    /// Finish an interrupted upload: its session URL, as printed when it was interrupted.
    #[arg(long, value_name = "URL")]
    pub resume: Option<String>,
    /// Wait until the file is ACTIVE (processed) before printing it.
    #[arg(long)]
    pub wait: bool,
}

/// `cache`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Cache content for the model (--model): texts, files and a system instruction.
    Create(CacheCreateArgs),
    /// List the caches.
    List,
    /// Show one cache.
    Get {
        /// The cache, e.g. cachedContents/abc123.
        name: String,
    },
    /// Give a cache a new time to live, from now.
    Update {
        /// The cache, e.g. cachedContents/abc123.
        name: String,
        /// The new time to live (e.g. 30m, 2h).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        ttl: Duration,
    },
    /// Delete a cache.
    Delete {
        /// The cache, e.g. cachedContents/abc123.
        name: String,
    },
}

/// `cache create`.
#[derive(Debug, Args)]
pub struct CacheCreateArgs {
    /// Texts to cache (one user turn each).
    #[arg(value_name = "TEXT")]
    pub texts: Vec<String>,
    /// Files to cache (inline up to 20 MB in all; larger ones are uploaded).
    #[arg(long, short, value_name = "PATH")]
    pub file: Vec<PathBuf>,
    /// A system instruction to cache.
    #[arg(long, short, value_name = "TEXT")]
    pub system: Option<String>,
    /// The time to live (e.g. 30m, 2h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1h")]
    pub ttl: Duration,
    /// The cache's display name.
    #[arg(long, value_name = "TEXT")]
    pub display_name: Option<String>,
}

/// `batch`.
#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Upload a JSONL file of keyed requests and start a batch on the model (--model).
    Submit {
        /// The JSONL file: one `{"key": ..., "request": {...}}` per line.
        file: PathBuf,
        /// The batch's display name.
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
        /// Wait for the batch to end, then print its results.
        #[arg(long)]
        wait: bool,
    },
    /// Show a batch: its state and request counts.
    Status {
        /// The batch, e.g. batches/abc123.
        name: String,
    },
    /// Wait for a batch to end (a progress bar on a terminal), then show it.
    Wait {
        /// The batch, e.g. batches/abc123.
        name: String,
    },
    /// Print a finished batch's results, one line per request (JSONL with --output json).
    Results {
        /// The batch, e.g. batches/abc123.
        name: String,
    },
    /// List the batches.
    List,
    /// Cancel a running batch.
    Cancel {
        /// The batch, e.g. batches/abc123.
        name: String,
    },
    /// Delete a batch.
    Delete {
        /// The batch, e.g. batches/abc123.
        name: String,
    },
}

/// `interactions`.
#[derive(Debug, Subcommand)]
pub enum InteractionsCommand {
    /// Create an interaction: streams the answer and prints its id on stderr (`interaction: ID`).
    Create(InteractionCreateArgs),
    /// Show an interaction: its status and output.
    Get {
        /// The interaction, e.g. v1_abc123.
        id: String,
    },
    /// Wait for a background interaction to end (progress on a terminal), then print its output.
    Wait {
        /// The interaction, e.g. v1_abc123.
        id: String,
    },
    /// Follow an interaction's event stream, from the start or after an event (from another process too).
    Stream {
        /// The interaction, e.g. v1_abc123.
        id: String,
        /// Resume after this event id (as printed when a stream was interrupted).
        #[arg(long, value_name = "EVENT_ID")]
        last_event_id: Option<String>,
    },
    /// Cancel a background interaction.
    Cancel {
        /// The interaction, e.g. v1_abc123.
        id: String,
    },
    /// Delete a stored interaction.
    Delete {
        /// The interaction, e.g. v1_abc123.
        id: String,
    },
}

/// `interactions create`.
#[derive(Debug, Args)]
pub struct InteractionCreateArgs {
    /// The prompt [default: read from stdin].
    pub prompt: Option<String>,
    /// Continue the conversation of this interaction (its id, as printed by an earlier create).
    #[arg(long, value_name = "ID")]
    pub previous: Option<String>,
    /// Run this agent instead of the model (in the background, followed until it ends), e.g. deep-research-pro-preview-12-2025.
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// Start it in the background: print its id and status and return (follow it with `interactions stream` or `wait`).
    #[arg(long)]
    pub background: bool,
    /// A system instruction.
    #[arg(long, short, value_name = "TEXT")]
    pub system: Option<String>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    pub no_stream: bool,
}

/// `live`.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// A system instruction for the session.
    #[arg(long, short, value_name = "TEXT")]
    pub system: Option<String>,
    /// Speak this WAV file (16-bit PCM, any rate, resampled to 16 kHz) instead of typing: one
    /// turn, then the session ends. What the model heard goes to stderr.
    #[arg(long, value_name = "FILE.wav")]
    pub audio_in: Option<PathBuf>,
    /// Spoken answers: the session's audio is written to this file (24 kHz WAV) at its end, and
    /// the transcription of what the model said is printed.
    #[arg(long, value_name = "FILE.wav")]
    pub audio_out: Option<PathBuf>,
}

/// `image`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The prompt [default: read from stdin].
    pub prompt: Option<String>,
    /// How many images (1 to 4).
    #[arg(short = 'n', long = "count", value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub count: u8,
    /// The aspect ratio, e.g. 1:1, 3:4, 4:3, 9:16, 16:9.
    #[arg(long, value_name = "RATIO")]
    pub aspect_ratio: Option<String>,
    /// Write the images into this directory (created if needed), as image-1.png, image-2.png...
    #[arg(
        long = "out",
        short = 'o',
        value_name = "DIR",
        conflicts_with = "out_prefix"
    )]
    pub out: Option<PathBuf>,
    /// Name the images PREFIX-1.png, PREFIX-2.png... (PREFIX may hold a directory) [default: image].
    #[arg(long, value_name = "PREFIX")]
    pub out_prefix: Option<PathBuf>,
}

/// `speak`.
#[derive(Debug, Args)]
pub struct SpeakArgs {
    /// The text to read [default: read from stdin].
    pub text: Option<String>,
    /// The prebuilt voice, e.g. Kore, Puck, Charon [default: the model's].
    #[arg(long, value_name = "NAME")]
    pub voice: Option<String>,
    /// Write the WAV to this file [default: speech.wav, or speech-2.wav... when it exists].
    #[arg(long = "out", short = 'o', value_name = "FILE.wav")]
    pub out: Option<PathBuf>,
}

/// `video`: generate (the arguments), or follow an operation (the subcommands).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct VideoArgs {
    /// Follow a video started earlier.
    #[command(subcommand)]
    pub command: Option<VideoCommand>,
    /// The prompt [default: read from stdin].
    pub prompt: Option<String>,
    /// Start from this image (PNG or JPEG): image-to-video.
    #[arg(long, value_name = "FILE")]
    pub image: Option<PathBuf>,
    /// The aspect ratio: 16:9 or 9:16.
    #[arg(long, value_name = "RATIO")]
    pub aspect_ratio: Option<String>,
    /// Write the MP4 to this file [default: video.mp4, or video-2.mp4... when it exists].
    #[arg(long = "out", short = 'o', value_name = "FILE.mp4")]
    pub out: Option<PathBuf>,
    /// Print the operation's name and return; `video download <OPERATION>` finishes later.
    #[arg(long, conflicts_with = "out")]
    pub no_wait: bool,
}

/// `video status` and `video download`.
#[derive(Debug, Subcommand)]
pub enum VideoCommand {
    /// Show a video operation: still running, or done with its videos.
    Status {
        /// The operation, as printed by `video --no-wait` (models/.../operations/...).
        operation: String,
    },
    /// Wait for a video operation to end (if it has not), then download its video.
    Download {
        /// The operation, as printed by `video --no-wait` (models/.../operations/...).
        operation: String,
        /// Write the MP4 to this file [default: video.mp4, or video-2.mp4... when it exists].
        #[arg(long = "out", short = 'o', value_name = "FILE.mp4")]
        out: Option<PathBuf>,
    },
}

/// `store`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create a file search store and print its name.
    Create {
        /// The store's display name.
        display_name: Option<String>,
    },
    /// List the stores.
    List,
    /// Show one store: its documents' counts and size.
    Get {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
    },
    /// Delete a store.
    Delete {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
        /// Delete its documents too (without it, a store that holds documents is not deleted).
        #[arg(long)]
        force: bool,
    },
    /// Upload a local file into a store, wait until it is indexed, and show the document.
    Upload {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
        /// The local file.
        path: PathBuf,
        /// The document's display name [default: the file name].
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
        /// The MIME type [default: from the file name].
        #[arg(long, value_name = "TYPE")]
        mime_type: Option<String>,
    },
    /// Import a file uploaded with `files upload` into a store, wait until it is indexed, and show the document.
    Import {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
        /// The file, e.g. files/abc123.
        file_name: String,
    },
    /// List a store's documents.
    Documents {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
    },
    /// Answer a question from a store's documents (--model): the answer, then its citations.
    Ask {
        /// The store, e.g. fileSearchStores/abc123.
        store: String,
        /// The question [default: read from stdin].
        prompt: Option<String>,
        /// How many chunks to retrieve.
        #[arg(long, value_name = "N")]
        top_k: Option<u32>,
        /// Search only documents whose metadata match, e.g. 'product = "kettle"'.
        #[arg(long, value_name = "FILTER")]
        metadata_filter: Option<String>,
    },
}

/// `token`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an ephemeral token (with --model: locked to Live sessions on that model); prints it and its expiry.
    #[command(
        after_help = "The token is a secret: it is printed on stdout only. A client app opens Live sessions with it."
    )]
    Create(TokenCreateArgs),
}

/// `token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// How many sessions the token may open [default: 1].
    #[arg(long, value_name = "N")]
    pub uses: Option<i32>,
    /// How long the token lasts, from now (e.g. 30m, 2h) [default: 30m].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "expire_at")]
    pub expire_in: Option<Duration>,
    /// When the token expires, as an RFC 3339 time (e.g. 2030-01-01T00:30:00Z), instead of --expire-in.
    #[arg(long, value_name = "TIME")]
    pub expire_at: Option<gemini::types::Timestamp>,
    /// How long, from now, a new session may be started with the token (e.g. 1m) [default: 1m].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub new_session_expire_in: Option<Duration>,
}

/// `emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port to listen on (0 picks a free port).
    #[arg(long, default_value_t = 8089)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Also serve https:// and wss:// on the same port, with a self-signed certificate generated at start.
    #[arg(long)]
    pub tls: bool,
    /// Write the generated certificate (PEM) to this file, for clients to trust (with --tls).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub cert_out: Option<PathBuf>,
    /// End every Live connection after this long (e.g. 10m, 30s), with a goAway a tenth of it (at most 60s) before.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub live_lifetime: Option<Duration>,
}

/// Parses `30`, `30s`, `1.5s`, `500ms`, `2m`.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 30s, 500ms, 2m)"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{s}` is not a positive duration"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("`{s}`: {e}"))
}

/// Parses `1048576`, `256KiB`, `8MiB`, `1GiB` (and `KB`/`MB`/`GB` as powers of 1000).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => {
            return Err(format!(
                "`{s}` is not a size (examples: 8MiB, 256KiB, 1048576)"
            ));
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (examples: 8MiB, 256KiB, 1048576)"))?;
    match n.checked_mul(scale) {
        Some(0) => Err(format!("`{s}` is not a positive size")),
        Some(bytes) => Ok(bytes),
        None => Err(format!("`{s}` is too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("256KiB"), Ok(256 << 10));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").unwrap_err().contains("lots"));
        assert!(parse_size("99999999999GiB").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("soon").unwrap_err().contains("soon"));
    }

    #[test]
    fn options_go_before_or_after_the_command() {
        let a = Cli::try_parse_from(["gemini-rs", "--model", "m", "generate", "hi"]).unwrap();
        let b = Cli::try_parse_from(["gemini-rs", "generate", "hi", "--model", "m"]).unwrap();
        assert_eq!(a.global.model.as_deref(), Some("m"));
        assert_eq!(b.global.model.as_deref(), Some("m"));
    }
}
