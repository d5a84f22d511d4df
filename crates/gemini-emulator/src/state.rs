//! The emulator's shared state: configuration, the resource store, scripted replies and
//! captured requests.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http::Method;

use crate::catalogue::Catalogue;
use crate::clock::Clock;
use crate::model::signatures::Signer;
use crate::recorded::RecordedRequest;
use crate::script::{Action, Entry, Handler, Key, Reply};
use crate::store::Store;

/// Immutable settings of one emulator.
#[derive(Debug)]
pub(crate) struct Config {
    /// The only accepted key, or `None` to accept any non-empty key.
    pub(crate) api_key: Option<String>,
    pub(crate) catalogue: Catalogue,
    pub(crate) max_body_bytes: usize,
    pub(crate) signer: Signer,
    pub(crate) chunk_interval: Duration,
    pub(crate) max_recorded: usize,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) resources: crate::resources::Settings,
    pub(crate) live: crate::live::Settings,
}

#[derive(Default)]
struct Scripts {
    queue: Vec<Entry>,
    /// Installed handlers: `(key as given, parsed key, handler)`.
    handlers: Vec<(String, Key, Handler)>,
    next_id: u64,
}

impl Scripts {
    /// The handler for `request`: one installed for its RPC, else for a matching path, else
    /// for `*` (routed requests only).
    fn handler(&self, request: &RecordedRequest) -> Option<&Handler> {
        let find = |want: fn(&Key) -> bool| {
            self.handlers
                .iter()
                .find(|(_, k, _)| want(k) && k.matches(request))
                .map(|(_, _, h)| h)
        };
        find(|k| matches!(k, Key::Rpc(_)))
            .or_else(|| find(|k| matches!(k, Key::Path { .. })))
            .or_else(|| find(|k| matches!(k, Key::Any)))
    }
}

#[derive(Default)]
struct Recorder {
    requests: VecDeque<Arc<RecordedRequest>>,
    counts: HashMap<Cow<'static, str>, usize>,
}

/// Everything the request handlers share.
pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) store: Store,
    /// Live connections' shared state (queued faults).
    pub(crate) live: crate::live::Shared,
    scripts: Mutex<Scripts>,
    /// Fast path: no script entry and no handler installed.
    scripted: AtomicBool,
    recorder: Mutex<Recorder>,
    responses: AtomicU64,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Locks a mutex, ignoring poisoning (a panicking test closure must not wedge the emulator).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl State {
    pub(crate) fn new(config: Config, store: Store) -> Self {
        Self {
            live: crate::live::Shared::new(config.live.faults.clone()),
            config,
            store,
            scripts: Mutex::new(Scripts::default()),
            scripted: AtomicBool::new(false),
            recorder: Mutex::new(Recorder::default()),
            responses: AtomicU64::new(0),
        }
    }

    /// A number unique to this response (for `responseId`).
    pub(crate) fn next_response_number(&self) -> u64 {
        self.responses.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn record(&self, request: Arc<RecordedRequest>) {
        let mut r = lock(&self.recorder);
        match r.counts.get_mut(request.rpc.as_ref()) {
            Some(n) => *n += 1,
            None => {
                r.counts.insert(request.rpc.clone(), 1);
            }
        }
        if self.config.max_recorded > 0 {
            if r.requests.len() >= self.config.max_recorded {
                r.requests.pop_front();
            }
            r.requests.push_back(request);
        }
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.recorder)
            .requests
            .iter()
            .map(|r| RecordedRequest::clone(r))
            .collect()
    }

    pub(crate) fn count(&self, rpc: &str) -> usize {
        let r = lock(&self.recorder);
        if rpc == "*" {
            r.counts.values().sum()
        } else {
            r.counts.get(rpc).copied().unwrap_or(0)
        }
    }

    pub(crate) fn clear_requests(&self) {
        let mut r = lock(&self.recorder);
        r.requests.clear();
        r.counts.clear();
    }

    pub(crate) fn push_script(&self, key: &str, action: Action) -> u64 {
        let mut s = lock(&self.scripts);
        let id = s.next_id;
        s.next_id += 1;
        s.queue.push(Entry {
            id,
            raw: key.to_owned(),
            key: Key::parse(key),
            remaining: Some(1),
            action,
        });
        self.scripted.store(true, Ordering::Release);
        id
    }

    pub(crate) fn set_script_remaining(&self, id: u64, remaining: Option<usize>) {
        let mut s = lock(&self.scripts);
        if remaining == Some(0) {
            s.queue.retain(|e| e.id != id);
        } else if let Some(e) = s.queue.iter_mut().find(|e| e.id == id) {
            e.remaining = remaining;
        }
    }

    pub(crate) fn script_remaining(&self, id: u64) -> Option<usize> {
        let s = lock(&self.scripts);
        match s.queue.iter().find(|e| e.id == id) {
            Some(e) => e.remaining,
            None => Some(0),
        }
    }

    pub(crate) fn set_handler(&self, key: &str, handler: Option<Handler>) {
        let mut s = lock(&self.scripts);
        s.handlers.retain(|(raw, _, _)| raw != key);
        if let Some(h) = handler {
            s.handlers.push((key.to_owned(), Key::parse(key), h));
        }
        let any = !s.queue.is_empty() || !s.handlers.is_empty();
        self.scripted.store(any, Ordering::Release);
    }

    pub(crate) fn reset_scripts(&self) {
        let mut s = lock(&self.scripts);
        s.queue.clear();
        s.handlers.clear();
        self.scripted.store(false, Ordering::Release);
    }

    /// The key of the first script entry or handler with a path pattern matching an unrouted
    /// request (`None`: the request gets the real 404).
    pub(crate) fn path_script(&self, method: &Method, path: &str) -> Option<String> {
        if !self.scripted.load(Ordering::Acquire) {
            return None;
        }
        let s = lock(&self.scripts);
        let queued = s.queue.iter().map(|e| (&e.raw, &e.key));
        let installed = s.handlers.iter().map(|(raw, key, _)| (raw, key));
        queued
            .chain(installed)
            .find(|(_, key)| key.matches_path(method, path))
            .map(|(raw, _)| raw.clone())
    }

    /// The scripted reply for `request`, consuming one use of the first matching queue entry,
    /// else the installed handler's reply, else `None` (the model answers).
    ///
    /// Resumable uploads (`files.upload`) answer here too, after the scripts: their answers
    /// carry headers ([`crate::upload`]).
    pub(crate) fn scripted_reply(&self, request: &RecordedRequest) -> Option<Reply> {
        if !self.scripted.load(Ordering::Acquire) {
            return crate::upload::reply(self, request);
        }
        let action = {
            let mut s = lock(&self.scripts);
            let pos = s.queue.iter().position(|e| e.key.matches(request));
            match pos {
                Some(i) => {
                    let (action, done) = match s.queue.get_mut(i) {
                        Some(entry) => {
                            let done = match &mut entry.remaining {
                                Some(n) => {
                                    *n = n.saturating_sub(1);
                                    *n == 0
                                }
                                None => false,
                            };
                            (Some(entry.action.clone()), done)
                        }
                        None => (None, false),
                    };
                    if done {
                        s.queue.remove(i);
                    }
                    action
                }
                None => s.handler(request).map(|h| Action::With(Arc::clone(h))),
            }
        };
        // Closures run outside the lock: they may call back into the emulator.
        match action {
            Some(a) => {
                let reply = match a {
                    Action::Reply(r) => *r,
                    Action::With(f) => f(request),
                };
                Some(crate::upload::complete(self, request, reply))
            }
            None => crate::upload::reply(self, request),
        }
    }
}
