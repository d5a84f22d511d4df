//! The emulator handle: a hyper server on its own tokio runtime, so it can be started from
//! synchronous code, from any async runtime, and from tests of either kind.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

use crate::catalogue::{Catalogue, ModelSpec};
use crate::clock::{Clock, SystemClock};
use crate::live::LiveFault;
use crate::lro::OperationBuilder;
use crate::model::signatures::Signer;
use crate::recorded::RecordedRequest;
pub use crate::resources::DEFAULT_FILE_STORAGE_LIMIT;
use crate::resources::Settings;
use crate::script::{Reply, Script};
use crate::service::handle;
use crate::state::{Config, State};
use crate::store::Store;
use crate::tls::{Tls, starts_with_tls};
use crate::upload::UploadFault;

/// The largest request body accepted by default (bigger bodies get `413`).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// How many requests are kept for [`Emulator::requests`] by default (older ones are dropped;
/// counts are kept for all).
pub const DEFAULT_MAX_RECORDED: usize = 10_000;
const DEFAULT_SIGNING_KEY: u64 = 0x4745_4d49_4e49_454d; // "GEMINIEM"

/// How long a new connection may take to send its first byte when TLS is on (the emulator
/// looks at it to tell TLS from plain HTTP).
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(30);

/// A running emulator. Dropping it (or calling [`shutdown`](Self::shutdown)) stops it.
///
/// ```
/// use gemini_emulator::Emulator;
///
/// let emu = Emulator::start();
/// assert!(emu.base_url().starts_with("http://127.0.0.1:"));
/// emu.script("generateContent").reply_status(503).times(2);
/// assert_eq!(emu.count("generateContent"), 0);
/// emu.shutdown();
/// ```
#[derive(Debug)]
pub struct Emulator {
    state: Arc<State>,
    addr: SocketAddr,
    runtime: Option<Runtime>,
    stop: Option<oneshot::Sender<()>>,
    stopped: Option<std::sync::mpsc::Receiver<()>>,
    /// The self-signed certificate (PEM) when TLS is on.
    cert_pem: Option<String>,
}

/// Configures an [`Emulator`] before starting it.
///
/// ```
/// use gemini_emulator::{Catalogue, Emulator, ModelSpec};
///
/// let emu = Emulator::builder()
///     .api_key("test-key")
///     .catalogue(Catalogue::realistic().with(ModelSpec::text("my-model").thinking(true)))
///     .start();
/// # drop(emu);
/// ```
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    api_key: Option<String>,
    catalogue: Catalogue,
    host: IpAddr,
    port: u16,
    max_body_bytes: usize,
    worker_threads: usize,
    signing_key: u64,
    chunk_interval: Duration,
    max_recorded: usize,
    clock: Arc<dyn Clock>,
    tuned_models: Vec<(String, Value)>,
    resources: Settings,
    tls: bool,
    live: crate::live::Settings,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            catalogue: Catalogue::realistic(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            worker_threads: 2,
            signing_key: DEFAULT_SIGNING_KEY,
            chunk_interval: Duration::ZERO,
            max_recorded: DEFAULT_MAX_RECORDED,
            clock: Arc::new(SystemClock),
            tuned_models: Vec::new(),
            resources: Settings::default(),
            tls: false,
            live: crate::live::Settings::default(),
        }
    }
}

impl EmulatorBuilder {
    /// Accepts only this API key (by default any non-empty key is accepted).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Serves this catalogue instead of [`Catalogue::realistic`].
    #[must_use]
    pub fn catalogue(mut self, catalogue: Catalogue) -> Self {
        self.catalogue = catalogue;
        self
    }

    /// Adds (or replaces) one model in the catalogue.
    #[must_use]
    pub fn model(mut self, model: ModelSpec) -> Self {
        self.catalogue.insert(model);
        self
    }

    /// The address to bind (default `127.0.0.1`).
    #[must_use]
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The port to bind (default `0`: a free port).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The largest accepted request body (default [`DEFAULT_MAX_BODY_BYTES`]).
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Worker threads of the emulator's runtime (default 2).
    #[must_use]
    pub fn worker_threads(mut self, threads: usize) -> Self {
        self.worker_threads = threads.max(1);
        self
    }

    /// The key thought signatures are derived from (signatures made under one key are
    /// "corrupted" under another).
    #[must_use]
    pub fn signing_key(mut self, key: u64) -> Self {
        self.signing_key = key;
        self
    }

    /// A pause between the chunks of every stream (default none).
    #[must_use]
    pub fn chunk_interval(mut self, interval: Duration) -> Self {
        self.chunk_interval = interval;
        self
    }

    /// How many requests to keep for [`Emulator::requests`] (`0`: count only).
    #[must_use]
    pub fn max_recorded(mut self, n: usize) -> Self {
        self.max_recorded = n;
        self
    }

    /// The clock resources live by (default [`SystemClock`]): create, update and expiry times,
    /// processing delays and long-running operations all read it. Give a
    /// [`ManualClock`](crate::ManualClock) to drive time from a test.
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::{Emulator, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let emu = Emulator::builder().clock(clock.clone()).start();
    /// // ... start an operation, then:
    /// clock.advance(Duration::from_secs(60));
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Serves a tuned model, `tunedModels/{id}`, through `tunedModels.get` and
    /// `tunedModels.list`. `resource` holds the `TunedModel` fields (`displayName`,
    /// `baseModel`, `state`, ...); its `name` is set for you. None are served by default.
    ///
    /// ```
    /// use gemini_emulator::Emulator;
    /// use serde_json::json;
    ///
    /// let emu = Emulator::builder()
    ///     .tuned_model("my-tuned", json!({"baseModel": "models/gemini-2.5-flash", "state": "ACTIVE"}))
    ///     .start();
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn tuned_model(mut self, id: &str, resource: Value) -> Self {
        self.tuned_models.push((id.to_owned(), resource));
        self
    }

    /// How long an uploaded file stays `PROCESSING`, by the emulator's clock (default zero:
    /// the upload's final answer says `PROCESSING`, the first read after it `ACTIVE`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::{Emulator, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let emu = Emulator::builder()
    ///     .clock(clock.clone())
    ///     .file_processing_time(Duration::from_secs(10))
    ///     .start();
    /// // ... upload a file: it is PROCESSING until
    /// clock.advance(Duration::from_secs(10));
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn file_processing_time(mut self, processing: Duration) -> Self {
        self.resources.file_processing = processing;
        self
    }

    /// The most bytes the emulator keeps in memory for files and open uploads together
    /// (default [`DEFAULT_FILE_STORAGE_LIMIT`]). An upload that would pass it gets
    /// `429 RESOURCE_EXHAUSTED`; deleting or expiring files frees their bytes.
    #[must_use]
    pub fn file_storage_limit(mut self, bytes: u64) -> Self {
        self.resources.file_storage_limit = bytes;
        self
    }

    /// Whether uploaded bytes are kept (default `true`). With `false`, uploads are still
    /// checked (offsets, sizes, `sha256Hash`) but their bytes are dropped as they arrive, so
    /// the emulator's memory stays flat for very large uploads (benchmarks; add
    /// [`max_recorded(0)`](Self::max_recorded), as captured requests keep their bodies);
    /// downloads and batch input files then fail.
    #[must_use]
    pub fn keep_file_bytes(mut self, keep: bool) -> Self {
        self.resources.keep_file_bytes = keep;
        self
    }

    /// How long a new batch stays `BATCH_STATE_PENDING`, and how long it then runs
    /// (`BATCH_STATE_RUNNING`, with its counts moving in up to ten steps) before it succeeds,
    /// by the emulator's clock (default 1 s and 2 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::Emulator;
    ///
    /// let emu = Emulator::builder()
    ///     .batch_timing(Duration::from_secs(60), Duration::from_secs(600))
    ///     .start();
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn batch_timing(mut self, pending: Duration, running: Duration) -> Self {
        self.resources.batch_pending = pending;
        self.resources.batch_running = running;
        self
    }

    /// Serves TLS too (default off): the port then answers `https://` and `wss://` (with a
    /// self-signed certificate generated at start, for `localhost`, `127.0.0.1`, `::1` and the
    /// bound host) as well as `http://` and `ws://`; the first byte of a connection tells which.
    /// Clients trust [`Emulator::certificate_pem`] (the Python SDK through `SSL_CERT_FILE`).
    ///
    /// ```
    /// use gemini_emulator::Emulator;
    ///
    /// let emu = Emulator::builder().tls(true).start();
    /// assert!(emu.certificate_pem().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    /// assert!(emu.tls_base_url().unwrap().starts_with("https://127.0.0.1:"));
    /// ```
    #[must_use]
    pub fn tls(mut self, enabled: bool) -> Self {
        self.tls = enabled;
        self
    }

    /// Queues a fault for a coming Live connection (see [`LiveFault`]); faults queued here
    /// come before those queued later with [`Emulator::live_fault`].
    #[must_use]
    pub fn live_fault(mut self, fault: LiveFault) -> Self {
        self.live.faults.push(fault);
        self
    }

    /// Ends every Live connection after `lifetime` (real time from `setupComplete`), as the
    /// real service does after about ten minutes: `goAway` with `timeLeft` is sent when
    /// `warning` is left, and the connection closes with 1000 when the time is up. Off by
    /// default (connections last until the client or a [`LiveFault`] ends them).
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::Emulator;
    ///
    /// let emu = Emulator::builder()
    ///     .live_connection_lifetime(Duration::from_secs(600), Duration::from_secs(60))
    ///     .start();
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn live_connection_lifetime(mut self, lifetime: Duration, warning: Duration) -> Self {
        self.live.lifetime = Some((lifetime, warning.min(lifetime)));
        self
    }

    /// How long a Live `sessionResumptionUpdate` handle stays valid, by the emulator's clock
    /// (default two hours, as the real service). An expired handle is refused like an unknown
    /// one (close code 1007).
    #[must_use]
    pub fn live_handle_ttl(mut self, ttl: Duration) -> Self {
        self.live.handle_ttl = ttl;
        self
    }

    /// How long a Veo `predictLongRunning` operation runs before it is done and its videos
    /// can be downloaded, by the emulator's clock (default 2 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::{Emulator, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let emu = Emulator::builder()
    ///     .clock(clock.clone())
    ///     .video_generation_time(Duration::from_secs(30))
    ///     .start();
    /// // ... start a video: its operation is done once
    /// clock.advance(Duration::from_secs(30));
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn video_generation_time(mut self, generation: Duration) -> Self {
        self.resources.video_generation = generation;
        self
    }

    /// How long a document uploaded or imported into a file search store stays
    /// `STATE_PENDING` (its operation running) before it is `STATE_ACTIVE` and searchable, by
    /// the emulator's clock (default zero: the operation is done when it is returned).
    #[must_use]
    pub fn document_processing_time(mut self, processing: Duration) -> Self {
        self.resources.document_processing = processing;
        self
    }

    /// How long a background interaction (`"background": true`) stays `queued`, and how long
    /// it then stays `in_progress` before it completes, by the emulator's clock (default 1 s
    /// and 2 s). Its stream's events are spread over the running time.
    ///
    /// ```
    /// use std::time::Duration;
    /// use gemini_emulator::Emulator;
    ///
    /// let emu = Emulator::builder()
    ///     .interaction_timing(Duration::ZERO, Duration::from_secs(30))
    ///     .start();
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn interaction_timing(mut self, queued: Duration, running: Duration) -> Self {
        self.resources.interaction_queued = queued;
        self.resources.interaction_running = running;
        self
    }

    /// Makes Interactions answers (model form) longer than `tokens` output tokens stop after
    /// `tokens` tokens with status `requires_continuation` and a `continuation_token`; a
    /// create that passes the token back (`continuation_token`, the rest of the request
    /// as before) gets the next part, and so on until the answer is complete (default: off).
    ///
    /// ```
    /// use gemini_emulator::Emulator;
    ///
    /// let emu = Emulator::builder().interaction_continuation_after(16).start();
    /// # drop(emu);
    /// ```
    #[must_use]
    pub fn interaction_continuation_after(mut self, tokens: u32) -> Self {
        self.resources.continuation_after = Some(tokens.max(1));
        self
    }

    /// How long a run of the emulator's deep-research agent takes once it leaves `queued`
    /// (default 10 s by the emulator's clock); its thought, search and report steps are
    /// spread over it.
    #[must_use]
    pub fn agent_run_time(mut self, running: Duration) -> Self {
        self.resources.agent_running = running;
        self
    }

    /// Starts the emulator.
    ///
    /// # Panics
    ///
    /// If the address cannot be bound or the runtime cannot be created; use
    /// [`try_start`](Self::try_start) to handle that.
    pub fn start(self) -> Emulator {
        match self.try_start() {
            Ok(e) => e,
            Err(err) => panic!("gemini-emulator failed to start: {err}"),
        }
    }

    /// Starts the emulator, reporting bind and runtime errors.
    pub fn try_start(self) -> io::Result<Emulator> {
        let tls = if self.tls {
            Some(Tls::generate(self.host)?)
        } else {
            None
        };
        let cert_pem = tls.as_ref().map(|t| t.cert_pem.clone());
        let listener = StdListener::bind(SocketAddr::new(self.host, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.worker_threads)
            .thread_name("gemini-emulator")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let store = Store::new(self.signing_key);
        let now = self.clock.now();
        for (id, resource) in self.tuned_models {
            crate::resources::tuned_models::seed(&store, now, &id, resource);
        }
        let state = Arc::new(State::new(
            Config {
                api_key: self.api_key,
                catalogue: self.catalogue,
                max_body_bytes: self.max_body_bytes,
                signer: Signer::new(self.signing_key),
                chunk_interval: self.chunk_interval,
                max_recorded: self.max_recorded,
                clock: self.clock,
                resources: self.resources,
                live: self.live,
            },
            store,
        ));
        let (stop_tx, stop_rx) = oneshot::channel();
        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel();
        runtime.spawn(accept_loop(
            listener,
            Arc::clone(&state),
            tls,
            stop_rx,
            stopped_tx,
        ));
        Ok(Emulator {
            state,
            addr,
            runtime: Some(runtime),
            stop: Some(stop_tx),
            stopped: Some(stopped_rx),
            cert_pem,
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<Tls>,
    mut stop: oneshot::Receiver<()>,
    stopped: std::sync::mpsc::Sender<()>,
) {
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and similar: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let builder = builder.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&state), req));
            // Connection errors (client went away, bad HTTP, a failed TLS handshake) only end
            // this connection. Upgrades are served for the Live WebSocket endpoint.
            if let Some(tls) = tls {
                let Ok(is_tls) =
                    tokio::time::timeout(FIRST_BYTE_TIMEOUT, starts_with_tls(&stream)).await
                else {
                    return;
                };
                if is_tls {
                    let Ok(stream) = tls.acceptor.accept(stream).await else {
                        return;
                    };
                    let _ = builder
                        .serve_connection_with_upgrades(TokioIo::new(stream), service)
                        .await;
                    return;
                }
            }
            let _ = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .await;
        });
    }
    drop(listener);
    let _ = stopped.send(());
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` and a free port, with the realistic catalogue and any
    /// non-empty API key accepted.
    ///
    /// # Panics
    ///
    /// If no port can be bound (see [`EmulatorBuilder::try_start`]).
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// A builder for a configured emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234` (no trailing slash, no
    /// version: the emulator serves `/v1beta`, `/v1` and `/v1alpha`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `https://` base URL of the same port when TLS is on ([`EmulatorBuilder::tls`]).
    pub fn tls_base_url(&self) -> Option<String> {
        self.cert_pem
            .as_ref()
            .map(|_| format!("https://{}", self.addr))
    }

    /// The Live WebSocket URL for API version `version` (`v1beta`, `v1`, `v1alpha`):
    /// `ws://{addr}/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent`
    /// (`wss://` when TLS is on).
    pub fn live_url(&self, version: &str) -> String {
        let scheme = if self.cert_pem.is_some() { "wss" } else { "ws" };
        format!(
            "{scheme}://{}/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent",
            self.addr
        )
    }

    /// The self-signed certificate (PEM) the emulator serves TLS with, when TLS is on: what a
    /// client must trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }

    /// Queues a fault for a coming Live connection (see [`LiveFault`]): each connection that
    /// completes its setup takes the next one, in order.
    pub fn live_fault(&self, fault: LiveFault) {
        self.state.live.push(fault);
    }

    /// Queues scripted replies for a method: an RPC name (`generateContent`, `getModel`,
    /// `files.get`, ...: see [`RecordedRequest::rpc`]), `*` for any routed request, or a path
    /// pattern such as `"GET /v1beta/files/*"`, which also answers paths the emulator does not
    /// route (see [`Script`]).
    ///
    /// ```
    /// # use gemini_emulator::{Emulator, Reply};
    /// # use std::time::Duration;
    /// let emu = Emulator::start();
    /// emu.script("generateContent").reply_status(503).times(2);
    /// emu.script("streamGenerateContent").reply(Reply::model().drop_after(1));
    /// emu.script("*").reply(Reply::status(429).with_retry_info(Duration::from_secs(1)));
    /// ```
    pub fn script(&self, rpc: &str) -> Script {
        Script::new(Arc::clone(&self.state), rpc)
    }

    /// Answers every request to `rpc` with `handler` (after queued script entries), until
    /// [`clear_handler`](Self::clear_handler) or [`reset`](Self::reset). `rpc` is a script key
    /// as for [`script`](Self::script); a handler for the request's RPC name is preferred to
    /// one for a matching path pattern, and both to one for `*`.
    ///
    /// ```
    /// # use gemini_emulator::{Emulator, Reply};
    /// # use serde_json::json;
    /// let emu = Emulator::start();
    /// emu.on("countTokens", |req| {
    ///     let n = req.body().len();
    ///     Reply::json(json!({"totalTokens": n}))
    /// });
    /// ```
    pub fn on(
        &self,
        rpc: &str,
        handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) {
        self.state.set_handler(rpc, Some(Arc::new(handler)));
    }

    /// Removes the handler installed for `rpc`.
    pub fn clear_handler(&self, rpc: &str) {
        self.state.set_handler(rpc, None);
    }

    /// Removes every queued script entry, handler and Live fault (captured requests are kept).
    pub fn reset(&self) {
        self.state.reset_scripts();
        self.state.live.clear();
    }

    /// The captured requests, oldest first (at most [`EmulatorBuilder::max_recorded`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// The captured requests for one method.
    pub fn requests_for(&self, rpc: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.rpc() == rpc)
            .collect()
    }

    /// The JSON body of the most recent request to `rpc`.
    pub fn last_body(&self, rpc: &str) -> Option<Value> {
        self.requests_for(rpc)
            .last()
            .and_then(|r| r.json().cloned())
    }

    /// How many authenticated requests `rpc` received (`*`: all methods). Requests to unrouted
    /// paths count under the key of the path script that answered them.
    pub fn count(&self, rpc: &str) -> usize {
        self.state.count(rpc)
    }

    /// Forgets captured requests and counts.
    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// Starts a long-running operation named `name` (a name ending in `/` gets a new id), served
    /// by `GET /{version}/{name}` and the other operation methods until it is deleted.
    ///
    /// See [`OperationBuilder`].
    pub fn operation(&self, name: &str) -> OperationBuilder {
        OperationBuilder::new(Arc::clone(&self.state), name)
    }

    /// Queues a fault for a coming chunk of a resumable upload (see [`UploadFault`]). Faults
    /// hit chunk requests (`X-Goog-Upload-Command: upload`) in the order they were queued.
    pub fn upload_fault(&self, fault: UploadFault) {
        crate::upload::push_fault(&self.state, fault);
    }

    /// Makes file `name` (`files/{id}` or `{id}`) `FAILED`, with a `google.rpc.Status` error
    /// (`code` 3, `message`), and returns it as served; `None` when there is no such file.
    pub fn fail_file(&self, name: &str, message: &str) -> Option<Value> {
        crate::resources::files::fail(&self.state, name, message).ok()
    }

    /// Blocks the calling thread until Ctrl-C (for the binary and demos).
    pub fn wait_for_ctrl_c(&self) -> io::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(tokio::signal::ctrl_c())
    }

    /// Stops accepting connections, waits (briefly) until the listener is closed, and shuts the
    /// runtime down. Open connections are closed.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
            if let Some(stopped) = self.stopped.take() {
                let _ = stopped.recv_timeout(Duration::from_secs(1));
            }
        }
        if let Some(rt) = self.runtime.take() {
            // `shutdown_background` is the only shutdown that is allowed from inside another
            // runtime (a `#[tokio::test]` dropping its emulator).
            rt.shutdown_background();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}
